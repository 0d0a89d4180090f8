using System.Net.Security;
using ImageTrust.Registry;

namespace ImageTrust.Cli;

/// <summary>
/// What cosign's <c>--allow-http-registry</c> and <c>--allow-insecure-registry</c> do to the image's registry (go-containerregistry's
/// <c>name.Insecure</c>: its ping tries HTTPS first and falls back to plain HTTP): HTTPS when the registry answers <c>/v2/</c>
/// over TLS, plain HTTP when only that answers.
/// </summary>
internal static class RegistrySchemeProbe
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether <paramref name="registry"/> (a canonical <c>host[:port]</c>) must be reached over plain HTTP: false when it answers
    /// <c>GET /v2/</c> over HTTPS (any status), or answers neither; true when only plain HTTP answers.
    /// </summary>
    /// <param name="registry">The registry of the image.</param>
    /// <param name="skipTlsVerification">Accept any certificate from it (<c>--allow-insecure-registry</c>).</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    public static async Task<bool> NeedsPlainHttpAsync(string registry, bool skipTlsVerification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (await AnswersAsync(new Uri($"https://{registry}/v2/"), skipTlsVerification ? registry : null, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        return await AnswersAsync(new Uri($"http://{registry}/v2/"), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A certificate check that accepts a valid chain, and any certificate from <paramref name="insecureRegistry"/> (a canonical
    /// <c>host[:port]</c>) when it is given: cosign's <c>InsecureSkipVerify</c>, narrowed to the image's registry.
    /// </summary>
    public static RemoteCertificateValidationCallback CertificateCheck(string? insecureRegistry) => (sender, _, _, errors) =>
        errors == SslPolicyErrors.None
        || (insecureRegistry is not null && sender is HttpRequestMessage { RequestUri: { } uri } && IsRegistry(uri, insecureRegistry));

    private static bool IsRegistry(Uri uri, string registry)
    {
        // Canonical names leave out HTTPS's port 443.
        var authority = uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";
        return string.Equals(authority, registry, StringComparison.OrdinalIgnoreCase)
            || (uri.HostNameType == UriHostNameType.IPv6 && string.Equals(uri.Authority, registry, StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<bool> AnswersAsync(Uri uri, string? insecureRegistry, CancellationToken cancellationToken)
    {
        var handler = RegistryHttp.CreateHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = CertificateCheck(insecureRegistry);
        using var client = new HttpClient(handler) { Timeout = ProbeTimeout };
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
