using System.Net;

namespace ImageTrust.GoogleCloud;

/// <summary>
/// A Google API answered with an error that retrying the same request will not fix (or retries were not allowed for it).
/// Carries the HTTP status and the canonical status name from the JSON error body (e.g. <c>NOT_FOUND</c>, <c>ABORTED</c>).
/// </summary>
internal sealed class GoogleApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GoogleApiException(HttpStatusCode httpStatus, string? status, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        HttpStatus = httpStatus;
        Status = status;
    }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode HttpStatus { get; }

    /// <summary>The canonical error status (<c>error.status</c>), or null when the body had none.</summary>
    public string? Status { get; }
}
