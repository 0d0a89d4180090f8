namespace ImageTrust.Registry;

/// <summary>The registry answered 404 for a manifest, tag or blob. Never retried.</summary>
internal sealed class RegistryNotFoundException : Exception
{
    /// <summary>Creates the exception naming what was not found, e.g. <c>host/repo:sha256-….sig</c>.</summary>
    public RegistryNotFoundException(string what, Exception? innerException = null)
        : base($"not found: {what}", innerException)
    {
        What = what;
    }

    /// <summary>The reference or blob that was not found.</summary>
    public string What { get; }
}
