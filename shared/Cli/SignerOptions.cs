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

    public Option<bool> InsecureIgnoreTlog { get; } = new("--insecure-ignore-tlog") { Description = "Do not require a transparency-log proof (unsafe)." };

    public Option<bool> InsecureIgnoreSct { get; } = new("--insecure-ignore-sct") { Description = "Keyless: do not require a certificate SCT (unsafe)." };

    public Option<string[]> AllowHttpRegistry { get; } = new("--allow-http-registry")
    {
        Description = "host[:port] of a registry reached over plain HTTP; repeatable or comma-separated (also IMAGETRUST_HTTP_REGISTRIES).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string> Output { get; } = CreateOutputOption();

    public Option<string> Timeout { get; } = new("--timeout", "-t")
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
    /// Plain-HTTP registries from the flag (repeatable, comma-separated) and <c>IMAGETRUST_HTTP_REGISTRIES</c>, as canonical
    /// names, and the timeout.
    /// </summary>
    /// <exception cref="ConfigurationException">
    /// An entry is not a valid <c>host[:port]</c> or names port 443, or <c>--timeout</c> is not a positive duration of at most 24 hours.
    /// </exception>
    public RegistryAccess ReadRegistryAccess(ParseResult result, CliConsole console)
    {
        var timeout = ReadTimeout(result.GetValue(Timeout)!);
        var values = (result.GetValue(AllowHttpRegistry) ?? []).Append(console.GetEnvironmentVariable("IMAGETRUST_HTTP_REGISTRIES") ?? string.Empty);
        try
        {
            // Canonical names, as image references have them, so any spelling of a registry allows it.
            var registries = values
                .SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(entry => RegistryHost.ParsePlainHttp(entry).Name)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            return new RegistryAccess(registries) { Timeout = timeout };
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"plain-HTTP registry list (--allow-http-registry / IMAGETRUST_HTTP_REGISTRIES): {e.Message}", e);
        }
    }

    private static TimeSpan ReadTimeout(string text)
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
