using ImageTrust.Registry;

namespace ImageTrust.Cli;

/// <summary>The registry client the CLI verifies with, for a <see cref="RegistryAccess"/>.</summary>
internal static class CliRegistryClients
{
    /// <summary>
    /// A client reaching <see cref="RegistryAccess.PlainHttpRegistries"/> over plain HTTP and every other registry over HTTPS, with
    /// certificates checked except those of <see cref="RegistryAccess.InsecureTlsRegistry"/> (<c>--allow-insecure-registry</c>).
    /// </summary>
    /// <exception cref="Model.ConfigurationException">A plain-HTTP entry is invalid.</exception>
    public static RegistryClient Create(RegistryAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        var options = RegistryClientOptions.FromEnvironment(access.PlainHttpRegistries);
        options.Validate();
        if (access.InsecureTlsRegistry is null)
        {
            return RegistryClientFactory.Create(options, RegistryCredentialSource.CreateDefault());
        }

        var handler = RegistryClientFactory.CreateHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = RegistrySchemeProbe.CertificateCheck(access.InsecureTlsRegistry);
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("imagetrust/1.0");
        return new DistributionRegistryClient(http, options, RegistryCredentialSource.CreateDefault(), TimeProvider.System, null);
    }
}
