namespace ImageTrust.Cli;

/// <summary>
/// Every flag of cosign 3.x's <c>verify</c>, <c>verify-attestation</c> and <c>verify-blob</c> (which <c>imagetrust verify-bundle</c>
/// stands for), with what ImageTrust does with it. Source: cosign v3.1 <c>cmd/cosign/cli/options/{verify,registry,certificate,
/// rekor,security_key,signature_digest,annotations,predicate,reference,root}.go</c>; deprecated flags are hidden from cosign's
/// help but still parsed, so they are listed too.
/// </summary>
internal static class CosignFlags
{
    private const string RegistryAuth = "registry credentials come from the docker config.json and Google Application Default Credentials";
    private const string RegistryTls = "a private registry CA goes in the system trust store (SSL_CERT_FILE / SSL_CERT_DIR)";
    private const string DetachedMaterial = "ImageTrust verifies the signatures stored with the image (or the --bundle given), not detached material";
    private const string GithubClaims = "certificate GitHub-workflow claims are not checked; use --certificate-identity[-regexp] (a stricter check cosign would add can't be dropped silently)";

    // The registry, certificate, annotation and common verification flags cosign adds to all three commands.
    private static readonly CosignFlag[] Shared =
    [
        Supported("key"),
        Supported("certificate-identity"),
        Supported("certificate-identity-regexp"),
        Supported("certificate-oidc-issuer"),
        Supported("certificate-oidc-issuer-regexp"),
        Supported("ca-roots"),
        Supported("ca-intermediates"),
        Supported("trusted-root"),
        SupportedBoolean("insecure-ignore-tlog"),
        SupportedBoolean("insecure-ignore-sct"),
        Supported("timeout", 't'),
        Refused("certificate", "detached certificates are not taken: " + DetachedMaterial),
        Refused("certificate-chain", "give the CA with --ca-roots/--ca-intermediates or --trusted-root"),
        Refused("sct", "a detached SCT is not taken: " + DetachedMaterial),
        Refused("certificate-github-workflow-trigger", GithubClaims),
        Refused("certificate-github-workflow-sha", GithubClaims),
        Refused("certificate-github-workflow-name", GithubClaims),
        Refused("certificate-github-workflow-repository", GithubClaims),
        Refused("certificate-github-workflow-ref", GithubClaims),
        Refused("rekor-url", "ImageTrust never queries a Rekor server: the proof must be in the signature or bundle"),
        RefusedBoolean("sk", "hardware security keys are not supported; export the public key and pass --key"),
        Refused("slot", "hardware security keys are not supported; export the public key and pass --key"),
        Refused("signature-digest-algorithm", "only SHA-256 signature digests are verified (cosign's default)"),
        Refused("timestamp-certificate-chain", "give timestamp authorities in --trusted-root"),
        RefusedBoolean("use-signed-timestamps", "RFC 3161 timestamps in a bundle are verified against --trusted-root whenever present; the flag is not taken"),
        RefusedBoolean("private-infrastructure", "use --insecure-ignore-tlog (cosign deprecated this flag for it)"),
        RefusedBoolean("experimental-oci11", "ImageTrust always looks up OCI referrers (with the sha256-<hex> tag fallback)"),
        RefusedBoolean("new-bundle-format", "ImageTrust always looks up both Sigstore bundles and classic .sig signatures"),
        RefusedBoolean("allow-certificate-chain", "X.509 chains in v0.3 bundles are not accepted"),
        AcceptedBoolean("offline", "ImageTrust never queries the transparency log: it only checks the proof that comes with the signature"),
        Accepted("max-workers", "signatures are checked in one pass; the value must still be a positive integer, as cosign requires"),
        Refused("output-file", "write stdout or stderr to a file with the shell"),
        RefusedBoolean("verbose", "use --explain (verify) or --output json for the details", 'd'),
    ];

    private static readonly CosignFlag[] Registry =
    [
        SupportedBoolean("allow-http-registry"),
        SupportedBoolean("allow-insecure-registry"),
        RefusedBoolean("k8s-keychain", RegistryAuth),
        Refused("registry-username", RegistryAuth),
        Refused("registry-password", RegistryAuth),
        Refused("registry-token", RegistryAuth),
        Refused("registry-cacert", RegistryTls),
        Refused("registry-client-cert", "mutual TLS to registries is not supported"),
        Refused("registry-client-key", "mutual TLS to registries is not supported"),
        Refused("registry-server-name", "mutual TLS to registries is not supported"),
        Refused("attachment-tag-prefix", "signatures are looked up at cosign's default tags (sha256-<hex>.sig) and as OCI referrers"),
        Supported("output", 'o'),
        AcceptedBoolean("check-claims", "ImageTrust always checks the claims (the signed image digest); --check-claims=false is refused"),
        RefusedBoolean("local-image", "images are verified in a registry, not from a 'cosign save' directory"),
    ];

    /// <summary>The flags of <c>cosign verify</c>.</summary>
    public static IReadOnlyList<CosignFlag> Verify { get; } =
    [
        .. Shared,
        .. Registry,
        Refused("annotations", "signature annotations are not checked; a requirement cosign would add can't be dropped silently", 'a'),
        Refused("attachment", "attachments are not verified (cosign deprecated the flag)"),
        Refused("signature", "detached signatures are not taken: " + DetachedMaterial),
        Refused("payload", "detached payloads are not taken: " + DetachedMaterial),
    ];

    /// <summary>The flags of <c>cosign verify-attestation</c>.</summary>
    public static IReadOnlyList<CosignFlag> VerifyAttestation { get; } =
    [
        .. Shared,
        .. Registry,
        Supported("type"),
        Refused("policy", "cosign's --policy takes CUE or Rego files, which ImageTrust does not evaluate (use a trust policy's attestation conditions with imagetrust verify --policy)"),
    ];

    /// <summary>The flags of <c>cosign verify-blob</c>, which <c>imagetrust verify-bundle</c> follows.</summary>
    public static IReadOnlyList<CosignFlag> VerifyBlob { get; } =
    [
        .. Shared.Where(flag => flag.Name is not ("certificate-identity-regexp" or "certificate-oidc-issuer-regexp" or "ca-roots" or "ca-intermediates" or "insecure-ignore-tlog" or "insecure-ignore-sct")),
        Refused("certificate-identity-regexp", "verify-bundle matches the exact --certificate-identity (the sigstore-conformance protocol)"),
        Refused("certificate-oidc-issuer-regexp", "verify-bundle matches the exact --certificate-oidc-issuer (the sigstore-conformance protocol)"),
        Refused("ca-roots", "verify-bundle takes its CAs from --trusted-root"),
        Refused("ca-intermediates", "verify-bundle takes its CAs from --trusted-root"),
        RefusedBoolean("insecure-ignore-tlog", "verify-bundle always requires the bundle's transparency-log proof"),
        RefusedBoolean("insecure-ignore-sct", "verify-bundle always requires the certificate's SCT"),
        Supported("bundle"),
        Refused("signature", "detached signatures are not taken: " + DetachedMaterial),
        Refused("rfc3161-timestamp", "the timestamp must be inside the --bundle"),
    ];

    /// <summary>The cosign flags of an ImageTrust command (<c>verify</c>, <c>verify-attestation</c>, <c>verify-bundle</c>), or none.</summary>
    public static IReadOnlyList<CosignFlag> For(string commandName) => commandName switch
    {
        "verify" => Verify,
        "verify-attestation" => VerifyAttestation,
        "verify-bundle" => VerifyBlob,
        _ => [],
    };

    private static CosignFlag Supported(string name, char? shorthand = null) => new(name, shorthand, false, CosignFlagHandling.Supported, null);

    private static CosignFlag SupportedBoolean(string name) => new(name, null, true, CosignFlagHandling.Supported, null);

    private static CosignFlag Accepted(string name, string why) => new(name, null, false, CosignFlagHandling.Accepted, why);

    private static CosignFlag AcceptedBoolean(string name, string why) => new(name, null, true, CosignFlagHandling.Accepted, why);

    private static CosignFlag Refused(string name, string reason, char? shorthand = null) => new(name, shorthand, false, CosignFlagHandling.Refused, reason);

    private static CosignFlag RefusedBoolean(string name, string reason, char? shorthand = null) => new(name, shorthand, true, CosignFlagHandling.Refused, reason);
}
