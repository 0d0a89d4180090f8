namespace ImageTrust.Model;

/// <summary>
/// Bad configuration or usage: an invalid policy, unreadable key file, missing setting.
/// Functions fail fast at start; the CLI exits 2.
/// </summary>
internal sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception with a message that names the setting or file at fault.</summary>
    public ConfigurationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
