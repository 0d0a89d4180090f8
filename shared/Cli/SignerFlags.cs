using System.Text;
using ImageTrust.Model;
using ImageTrust.Policy;

namespace ImageTrust.Cli;

/// <summary>The values of cosign's signer and trust flags, validated as cosign does, and turned into a policy rule.</summary>
internal sealed record SignerFlags(
    string? Key,
    string? CertificateIdentity,
    string? CertificateIdentityRegexp,
    string? CertificateOidcIssuer,
    string? CertificateOidcIssuerRegexp,
    string? CaRoots,
    string? CaIntermediates,
    string? RekorPublicKey,
    string? TrustedRoot,
    bool InsecureIgnoreTlog,
    bool InsecureIgnoreSct)
{
    /// <summary>The name of the rule built from flags, as reported in results.</summary>
    public const string CommandLineRuleName = "command-line";

    private const int MaxKeyFileBytes = 64 * 1024;

    /// <summary>Whether any flag naming a signer or keyless trust material was given (they conflict with <c>--policy</c>).</summary>
    public bool NamesSigner => Key is not null || CertificateIdentity is not null || CertificateIdentityRegexp is not null
        || CertificateOidcIssuer is not null || CertificateOidcIssuerRegexp is not null || CaRoots is not null
        || CaIntermediates is not null || RekorPublicKey is not null || TrustedRoot is not null;

    /// <summary>
    /// The authority the flags describe: a key (file or <c>gcpkms://</c>) or a keyless identity and issuer.
    /// cosign's rules apply: <c>--key</c> excludes the identity flags; keyless needs an identity and an issuer.
    /// </summary>
    /// <exception cref="ConfigurationException">The flags conflict, are incomplete, or name unreadable or invalid files.</exception>
    public Authority BuildAuthority(CliConsole console)
    {
        var identityFlags = CertificateIdentity is not null || CertificateIdentityRegexp is not null
            || CertificateOidcIssuer is not null || CertificateOidcIssuerRegexp is not null;
        if (Key is not null && identityFlags)
        {
            throw new ConfigurationException("--key can't be combined with --certificate-identity[-regexp] or --certificate-oidc-issuer[-regexp]");
        }

        if (Key is not null && (CaRoots is not null || CaIntermediates is not null))
        {
            throw new ConfigurationException("--key can't be combined with --ca-roots or --ca-intermediates (they apply to keyless certificates)");
        }

        if (TrustedRoot is not null && (CaRoots is not null || CaIntermediates is not null))
        {
            throw new ConfigurationException("--trusted-root can't be combined with --ca-roots or --ca-intermediates");
        }

        if (CaIntermediates is not null && CaRoots is null)
        {
            throw new ConfigurationException("--ca-intermediates needs --ca-roots");
        }

        var trust = new TrustMaterialSource(
            ExistingFile(CaRoots ?? console.GetEnvironmentVariable("SIGSTORE_ROOT_FILE"), "--ca-roots", console),
            ExistingFile(CaIntermediates, "--ca-intermediates", console),
            ExistingFile(RekorPublicKey ?? console.GetEnvironmentVariable("SIGSTORE_REKOR_PUBLIC_KEY"), "--rekor-public-key", console),
            ExistingFile(console.GetEnvironmentVariable("SIGSTORE_CT_LOG_PUBLIC_KEY_FILE"), "SIGSTORE_CT_LOG_PUBLIC_KEY_FILE", console),
            ExistingFile(TrustedRoot, "--trusted-root", console));

        if (Key is not null)
        {
            return BuildKeyAuthority(Key, trust, console);
        }

        if (!identityFlags)
        {
            throw new ConfigurationException(
                "no signer given: use --key KEY, or --certificate-identity[-regexp] with --certificate-oidc-issuer[-regexp], or --policy FILE");
        }

        return new KeylessAuthority(
            "keyless",
            Matcher(CertificateIdentity, CertificateIdentityRegexp, "--certificate-identity"),
            Matcher(CertificateOidcIssuer, CertificateOidcIssuerRegexp, "--certificate-oidc-issuer"),
            trust);
    }

    /// <summary>The ad-hoc rule for these flags: one authority, threshold 1, cosign's defaults, enforce, no grace period.</summary>
    /// <exception cref="ConfigurationException">See <see cref="BuildAuthority"/>.</exception>
    public PolicyRule BuildRule(CliConsole console, IReadOnlyList<AttestationRequirement>? attestations = null)
    {
        var authority = BuildAuthority(console);
        return new PolicyRule(
            CommandLineRuleName,
            [RepositoryGlob.Parse("**")],
            [authority],
            Threshold: 1,
            RequireTlog: !InsecureIgnoreTlog,
            RequireSct: !InsecureIgnoreSct,
            Mode: EnforcementMode.Enforce,
            SignatureGracePeriod: null,
            MultiArch: MultiArchRequirement.Index,
            Formats: SignatureFormats.Any,
            Attestations: attestations ?? [],
            Vulnerabilities: null);
    }

    private static KeyAuthority BuildKeyAuthority(string key, TrustMaterialSource trust, CliConsole console)
    {
        var keyTrust = trust == new TrustMaterialSource(null, null, null, null, null) ? null : trust;
        if (key.StartsWith("gcpkms://", StringComparison.Ordinal))
        {
            return new KeyAuthority(key, null, key, keyTrust);
        }

        if (key.Contains("://", StringComparison.Ordinal))
        {
            throw new ConfigurationException($"--key {key}: only PEM files and gcpkms:// keys are supported");
        }

        var pem = ReadKeyFile(key, console);
        try
        {
            PublicKeyPem.Validate(pem);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"--key {key}: {e.Message}", e);
        }

        return new KeyAuthority(key, pem, null, keyTrust);
    }

    /// <summary>Reads a PEM key file named by a flag, bounded.</summary>
    /// <exception cref="ConfigurationException">The file is missing, too large or not UTF-8.</exception>
    public static string ReadKeyFile(string path, CliConsole console)
    {
        var bytes = OperatorFile.Read(console.ResolvePath(path), MaxKeyFileBytes, $"--key {path}");
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new ConfigurationException($"--key {path}: not UTF-8 text: {e.Message}", e);
        }
    }

    private static StringMatcher Matcher(string? exact, string? regexp, string flag)
    {
        if (exact is not null && regexp is not null)
        {
            throw new ConfigurationException($"give either {flag} or {flag}-regexp, not both");
        }

        if (exact is null && regexp is null)
        {
            throw new ConfigurationException($"keyless verification needs {flag} or {flag}-regexp");
        }

        if (exact is not null)
        {
            return StringMatcher.ExactValue(exact);
        }

        try
        {
            return StringMatcher.Regexp(regexp!);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"{flag}-regexp: {e.Message}", e);
        }
    }

    private static string? ExistingFile(string? path, string flag, CliConsole console)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        // Checked here, before any network call; the file is read (bounded) where it is used.
        var resolved = console.ResolvePath(path);
        OperatorFile.RequireRegularFile(resolved, $"{flag} {path}");
        return resolved;
    }
}
