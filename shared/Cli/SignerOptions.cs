using System.CommandLine;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;

namespace ImageTrust.Cli;

/// <summary>cosign's signer and trust flags, shared by <c>verify</c> and <c>verify-attestation</c>.</summary>
internal sealed class SignerOptions
{
    public Option<string?> Key { get; } = new("--key") { Description = "Public key: a PEM file or a Cloud KMS key (gcpkms://…)." };

    public Option<string?> CertificateIdentity { get; } = new("--certificate-identity") { Description = "Keyless: the exact identity (SAN) of the signer." };

    public Option<string?> CertificateIdentityRegexp { get; } = new("--certificate-identity-regexp") { Description = "Keyless: a regular expression for the signer identity." };

    public Option<string?> CertificateOidcIssuer { get; } = new("--certificate-oidc-issuer") { Description = "Keyless: the exact OIDC issuer." };

    public Option<string?> CertificateOidcIssuerRegexp { get; } = new("--certificate-oidc-issuer-regexp") { Description = "Keyless: a regular expression for the OIDC issuer." };

    public Option<string?> CaRoots { get; } = new("--ca-roots") { Description = "Keyless: PEM file of trusted CA root certificates (instead of the public-good Fulcio)." };

    public Option<string?> CaIntermediates { get; } = new("--ca-intermediates") { Description = "Keyless: PEM file of intermediate CA certificates." };

    public Option<string?> RekorPublicKey { get; } = new("--rekor-public-key") { Description = "PEM file of the Rekor public key (instead of the public-good Rekor)." };

    public Option<string?> TrustedRoot { get; } = new("--trusted-root") { Description = "A Sigstore trusted_root.json with the CAs, logs and timestamp authorities to trust." };

    public Option<bool> InsecureIgnoreTlog { get; } = new("--insecure-ignore-tlog") { Description = "Do not require a transparency-log proof (unsafe).", Arity = ArgumentArity.Zero };

    public Option<bool> InsecureIgnoreSct { get; } = new("--insecure-ignore-sct") { Description = "Keyless: do not require a certificate SCT (unsafe).", Arity = ArgumentArity.Zero };

    public Option<bool> AllowHttpRegistry { get; } = new("--allow-http-registry")
    {
        Description = "Allow plain HTTP to the image's registry: HTTPS is tried first, as cosign does (testing only; IMAGETRUST_HTTP_REGISTRIES lists hosts that are always plain HTTP).",
        Arity = ArgumentArity.Zero,
    };

    public Option<bool> AllowInsecureRegistry { get; } = new("--allow-insecure-registry")
    {
        Description = "Accept any TLS certificate (expired, self-signed) from the image's registry, and plain HTTP as --allow-http-registry (testing only).",
        Arity = ArgumentArity.Zero,
    };

    public Option<string> Output { get; } = CreateOutputOption();

    public Option<string> Timeout { get; } = CreateTimeoutOption();

    /// <summary>Creates the <c>--timeout</c>/<c>-t</c> option (a Go duration, default <c>3m0s</c> as cosign's).</summary>
    public static Option<string> CreateTimeoutOption() => new("--timeout", "-t")
    {
        Description = "Timeout for the whole verification, a Go duration such as 90s or 3m0s (default 3m0s, as cosign). A verification that does not finish in time fails (exit 1, VERIFICATION_TIMEOUT).",
        DefaultValueFactory = _ => "3m0s",
    };

    /// <summary>Creates the <c>--output text|json</c> option.</summary>
    public static Option<string> CreateOutputOption()
    {
        var option = new Option<string>("--output", "-o") { Description = "Output format.", DefaultValueFactory = _ => "text" };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Key);
        command.Add(CertificateIdentity);
        command.Add(CertificateIdentityRegexp);
        command.Add(CertificateOidcIssuer);
        command.Add(CertificateOidcIssuerRegexp);
        command.Add(CaRoots);
        command.Add(CaIntermediates);
        command.Add(RekorPublicKey);
        command.Add(TrustedRoot);
        command.Add(InsecureIgnoreTlog);
        command.Add(InsecureIgnoreSct);
        command.Add(AllowHttpRegistry);
        command.Add(AllowInsecureRegistry);
        command.Add(Output);
        command.Add(Timeout);
    }

    /// <summary>Reads the flag values.</summary>
    public SignerFlags Read(ParseResult result) => new(
        result.GetValue(Key),
        result.GetValue(CertificateIdentity),
        result.GetValue(CertificateIdentityRegexp),
        result.GetValue(CertificateOidcIssuer),
        result.GetValue(CertificateOidcIssuerRegexp),
        result.GetValue(CaRoots),
        result.GetValue(CaIntermediates),
        result.GetValue(RekorPublicKey),
        result.GetValue(TrustedRoot),
        result.GetValue(InsecureIgnoreTlog),
        result.GetValue(InsecureIgnoreSct));

    /// <summary>
    /// How to reach registries: the plain-HTTP registries of <c>IMAGETRUST_HTTP_REGISTRIES</c> (canonical names) and, with
    /// <c>--allow-http-registry</c> or <c>--allow-insecure-registry</c> (cosign's meaning: go-containerregistry's <c>name.Insecure</c>),
    /// the image's registry when it answers only plain HTTP; with <c>--allow-insecure-registry</c> the image's registry's
    /// certificate is not checked; and the timeout.
    /// </summary>
    /// <exception cref="ConfigurationException">
    /// An entry is not a valid <c>host[:port]</c> or names port 443, or <c>--timeout</c> is not a positive duration of at most 24 hours.
    /// </exception>
    public async Task<RegistryAccess> ReadRegistryAccessAsync(
        ParseResult result, CliConsole console, ImageReference image, Func<string, bool, CancellationToken, Task<bool>> needsPlainHttp, CancellationToken cancellationToken)
    {
        var timeout = ReadTimeout(result.GetValue(Timeout)!);
        List<string> registries;
        try
        {
            // Canonical names, as image references have them, so any spelling of a registry allows it.
            registries = (console.GetEnvironmentVariable(RegistryClientOptions.HttpRegistriesVariable) ?? string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(entry => RegistryHost.ParsePlainHttp(entry).Name)
                .Distinct(StringComparer.Ordinal)
                .ToList();
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"plain-HTTP registry list ({RegistryClientOptions.HttpRegistriesVariable}): {e.Message}", e);
        }

        var insecure = result.GetValue(AllowInsecureRegistry);
        if ((result.GetValue(AllowHttpRegistry) || insecure) && !registries.Contains(image.Registry, StringComparer.Ordinal)
            && await needsPlainHttp(image.Registry, insecure, cancellationToken).ConfigureAwait(false))
        {
            registries.Add(image.Registry);
        }

        return new RegistryAccess(registries) { Timeout = timeout, InsecureTlsRegistry = insecure ? image.Registry : null };
    }

    /// <summary>Parses a <c>--timeout</c> value.</summary>
    /// <exception cref="ConfigurationException">It is not a Go duration, or not more than 0 and at most 24 hours.</exception>
    public static TimeSpan ReadTimeout(string text)
    {
        TimeSpan timeout;
        try
        {
            timeout = GoDuration.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"--timeout {text}: {e.Message}", e);
        }

        // Go would accept 0 and then time out at once; a verification that can never finish is a usage error here.
        if (timeout <= TimeSpan.Zero || timeout > VerificationLimits.MaxTimeout)
        {
            throw new ConfigurationException($"--timeout {text}: must be more than 0s and at most {GoDuration.Format(VerificationLimits.MaxTimeout)}");
        }

        return timeout;
    }
}
