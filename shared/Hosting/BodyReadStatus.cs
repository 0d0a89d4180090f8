namespace ImageTrust.Hosting;

/// <summary>How reading a request body into memory ended.</summary>
internal enum BodyReadStatus
{
    /// <summary>Read whole, within its bound.</summary>
    Read,

    /// <summary>Larger than the body bound: permanently bad input.</summary>
    TooLarge,

    /// <summary>A body without Content-Length outgrew what the process-wide budget had free: try again later.</summary>
    OverBudget,
}
