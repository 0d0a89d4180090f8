namespace ImageTrust.Hosting;

/// <summary>How the host writes log entries.</summary>
internal enum FunctionLogFormat
{
    /// <summary>One human-readable line per entry (local runs).</summary>
    Text,

    /// <summary>One JSON object per line in the format Cloud Logging reads (when <c>K_SERVICE</c> is set).</summary>
    CloudLoggingJson,
}
