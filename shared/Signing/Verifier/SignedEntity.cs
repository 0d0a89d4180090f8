using ImageTrust.Model;
using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Transparency;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// The one shape every signed thing becomes before verification, as sigstore-go's <c>SignedEntity</c>: its content (what the
/// signature covers and what it says), its signature, its verification material (a key the signer brings, or a certificate
/// with its chain), its transparency-log entries and its timestamps. Classic <c>.sig</c> layers, <c>.att</c> DSSE layers and
/// Sigstore bundles convert into it (<see cref="FromSignatureLayer"/>, <see cref="FromAttestationLayer"/>,
/// <see cref="FromBundle"/>), and <see cref="SignedEntityVerifier"/> verifies it with one step sequence. Where cosign's classic
/// layers and bundles differ in meaning (the Rekor bundle annotation against bundle log entries, the simple-signing
/// docker-reference), the entity carries what the step needs and <see cref="Classic"/> selects cosign's semantics.
/// Immutable, on the stack: converting a <c>.sig</c> layer allocates nothing for the entity itself. Dispose it to release
/// a classic layer's leaf certificate.
/// </summary>
internal readonly ref struct SignedEntity
{
    /// <summary>How it was stored and signed (see <see cref="SignatureKinds"/>).</summary>
    public string Kind { get; private init; }

    /// <summary>
    /// A classic cosign layer: the first failing step ends the sequence, the log proof is the SET annotation, and the
    /// certificate is checked at one signing time. False for a Sigstore bundle, whose every step runs.
    /// </summary>
    public bool Classic { get; private init; }

    /// <summary>Signed by a certificate (keyless); otherwise by a key the signer brings.</summary>
    public bool Keyless { get; private init; }

    /// <summary>The image digest the entity must be about; null when verifying an artifact (verify-bundle).</summary>
    public Digest? Subject { get; private init; }

    // --- Content: what the signature covers and what it says.

    /// <summary>The bytes the signature covers: the simple-signing payload, or the DSSE envelope's PAE; empty for a bundle message signature (see <see cref="Artifact"/>).</summary>
    public ReadOnlySpan<byte> Message { get; private init; }

    /// <summary>The artifact a bundle is about (its content or only its SHA-256); null for classic layers.</summary>
    public BundleArtifact? Artifact { get; private init; }

    /// <summary>A bundle's message signature; null otherwise.</summary>
    public MessageSignature? MessageSignature { get; private init; }

    /// <summary>The DSSE envelope (attestations, cosign v3 signatures); null for a simple-signing payload or a message signature.</summary>
    public DsseEnvelope? Envelope { get; private init; }

    /// <summary>The envelope's in-toto statement when it is one; null otherwise.</summary>
    public InTotoStatement? Statement { get; private init; }

    /// <summary>A simple-signing payload's claims check (type and digest), checked right after the signature; null otherwise.</summary>
    public CheckResult? ClaimsCheck { get; private init; }

    /// <summary>A simple-signing payload's docker-reference check; null when not checked.</summary>
    public CheckResult? ReferenceCheck { get; private init; }

    /// <summary>A docker-reference mismatch fails the signature instead of warning.</summary>
    public bool RequireDockerReference { get; private init; }

    /// <summary>The simple-signing payload's docker-reference claim; null when absent.</summary>
    public string? DockerReference { get; private init; }

    /// <summary>A bundle statement's subject checks (payload type, statement, subject digest), right after the signature; never null.</summary>
    public IReadOnlyList<CheckResult> SubjectChecks { get; private init; }

    /// <summary>What the statement must say, the last step; null for a simple-signing payload (its claims are its statement) or verify-bundle.</summary>
    public StatementPolicy? StatementPolicy { get; private init; }

    // --- Signature.

    /// <summary>The signature bytes: the decoded annotation, or the bundle's signature; see <see cref="SignatureAt"/> for envelopes of a classic layer.</summary>
    public ReadOnlySpan<byte> Signature { get; private init; }

    /// <summary>A classic <c>.sig</c> layer's signature annotation (null when absent); whether it decoded.</summary>
    public AnnotationValue? SignatureAnnotation { get; private init; }

    /// <summary>Whether <see cref="SignatureAnnotation"/> decoded into <see cref="Signature"/>.</summary>
    public bool SignatureDecoded { get; private init; }

    // --- Verification material.

    /// <summary>A classic keyless layer's leaf certificate (null when it did not parse, see <see cref="LeafCheck"/>).</summary>
    public LeafCertificate? Leaf { get; private init; }

    /// <summary>Whether a classic keyless layer's certificate annotation parsed; null otherwise.</summary>
    public CheckResult? LeafCheck { get; private init; }

    /// <summary>A classic layer's chain annotation (untrusted intermediates), parsed by the certificate step; null when absent.</summary>
    public AnnotationValue? ChainPem { get; private init; }

    /// <summary>A keyless bundle's leaf certificate; null otherwise.</summary>
    public ParsedCertificate? Certificate { get; private init; }

    /// <summary>A bundle's untrusted intermediates; never null.</summary>
    public IReadOnlyList<ParsedCertificate> Chain { get; private init; }

    // --- Transparency-log entries.

    /// <summary>Whether a classic layer carries cosign's Rekor bundle annotation.</summary>
    public bool HasRekorBundle { get; private init; }

    /// <summary>The parsed Rekor bundle annotation; null when absent or unreadable (see <see cref="RekorBundleError"/>).</summary>
    public RekorBundle? RekorBundle { get; private init; }

    /// <summary>Why the Rekor bundle annotation could not be read.</summary>
    public string RekorBundleError { get; private init; }

    /// <summary>A bundle's log entries; never null.</summary>
    public IReadOnlyList<TransparencyLogEntry> LogEntries { get; private init; }

    /// <summary>A bundle's minor version (inclusion proofs are required from v0.2 on).</summary>
    public int BundleMinorVersion { get; private init; }

    // --- Timestamps.

    /// <summary>A bundle's RFC 3161 signed timestamps; never null.</summary>
    public IReadOnlyList<byte[]> Timestamps { get; private init; }

    // --- What the rule requires.

    /// <summary>A verified log entry is required.</summary>
    public bool RequireTlog { get; private init; }

    /// <summary>An SCT is required on keyless certificates.</summary>
    public bool RequireSct { get; private init; }

    /// <summary>How many of a bundle's log entries must verify.</summary>
    public int TlogThreshold { get; private init; }

    /// <summary>The signature of a classic envelope's <paramref name="index"/>th DSSE signature, else <see cref="Signature"/>.</summary>
    public ReadOnlySpan<byte> SignatureAt(int index)
        => Classic && Envelope is { } envelope && index >= 0 ? envelope.Signatures[index].Signature : Signature;

    /// <summary>
    /// A classic <c>.sig</c> layer: the signature annotation (decoded into <paramref name="signatureBuffer"/>) over the
    /// simple-signing <paramref name="payload"/>, whose claims must name the image.
    /// </summary>
    public static SignedEntity FromSignatureLayer(SignatureLayer layer, ReadOnlySpan<byte> payload, Span<byte> signatureBuffer, ClassicExpectations expectations)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(expectations);
        var decoded = SignatureStep.TryDecode(layer.Signature, signatureBuffer, out var signatureLength);
        var claimsCheck = PayloadClaimsStep.Check(payload, expectations.ImageDigestText, out var claims);
        return FromLayer(layer, payload, expectations) with
        {
            Signature = signatureBuffer[..signatureLength],
            SignatureAnnotation = layer.Signature,
            SignatureDecoded = decoded,
            ClaimsCheck = claimsCheck,
            ReferenceCheck = claims is not null && expectations.Repository is { } repository ? DockerReferenceStep.Check(claims.DockerReference, repository) : null,
            RequireDockerReference = expectations.RequireDockerReference,
            DockerReference = claims?.DockerReference,
        };
    }

    /// <summary>A classic <c>.att</c> layer: any of <paramref name="envelope"/>'s signatures over its PAE, then <paramref name="policy"/> on <paramref name="statement"/>.</summary>
    public static SignedEntity FromAttestationLayer(SignatureLayer layer, DsseEnvelope envelope, InTotoStatement statement, StatementPolicy policy, ClassicExpectations expectations)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(expectations);
        return FromLayer(layer, envelope.PreAuthenticationEncoding(), expectations) with
        {
            Envelope = envelope,
            Statement = statement,
            StatementPolicy = policy,
        };
    }

    /// <summary>
    /// A Sigstore bundle about <paramref name="artifact"/>: its message signature or DSSE envelope, its certificate and
    /// chain (or a key the signer brings), its log entries and timestamps.
    /// </summary>
    /// <param name="bundle">The parsed bundle.</param>
    /// <param name="artifact">The artifact (an image digest, or verify-bundle's file or digest).</param>
    /// <param name="subject">The image digest, or null for verify-bundle.</param>
    /// <param name="policy">What the statement must say; null for none.</param>
    /// <param name="options">The tlog and SCT requirements.</param>
    public static SignedEntity FromBundle(SigstoreBundle bundle, BundleArtifact artifact, Digest? subject, StatementPolicy? policy, BundleVerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentNullException.ThrowIfNull(options);
        InTotoStatement? statement = null;
        IReadOnlyList<CheckResult> subjectChecks = [];
        if (bundle.Envelope is { } envelope)
        {
            statement = InTotoSubjectStep.Check(envelope, artifact, out subjectChecks);
        }

        return new SignedEntity
        {
            Kind = bundle.Certificate is not null ? SignatureKinds.BundleKeyless : SignatureKinds.BundleKey,
            Keyless = bundle.Certificate is not null,
            Subject = subject,
            Message = bundle.Envelope is { } signed ? signed.PreAuthenticationEncoding() : default,
            Artifact = artifact,
            MessageSignature = bundle.MessageSignature,
            Envelope = bundle.Envelope,
            Statement = statement,
            SubjectChecks = subjectChecks,
            StatementPolicy = policy,
            Signature = bundle.SignatureBytes,
            Certificate = bundle.Certificate,
            Chain = bundle.ChainCertificates,
            LogEntries = bundle.TransparencyLogEntries,
            BundleMinorVersion = bundle.MinorVersion,
            Timestamps = bundle.SignedTimestamps,
            RequireTlog = !options.IgnoreTransparencyLogUnsafe,
            RequireSct = !options.IgnoreSctUnsafe,
            TlogThreshold = options.TransparencyLogThreshold,
            RekorBundleError = string.Empty,
        };
    }

    /// <summary>Releases a classic layer's leaf certificate.</summary>
    public void Dispose() => Leaf?.Dispose();

    // What every classic layer carries: the certificate (parsed once, shared by every authority), chain and Rekor bundle annotations.
    private static SignedEntity FromLayer(SignatureLayer layer, ReadOnlySpan<byte> message, ClassicExpectations expectations)
    {
        var keyless = layer.Certificate is not null;
        LeafCertificate? leaf = null;
        RekorBundle? rekorBundle = null;
        var rekorBundleError = string.Empty;
        if (layer.Bundle is not null && !RekorBundle.TryParse(layer.Bundle, out rekorBundle, out rekorBundleError))
        {
            rekorBundle = null;
        }

        return new SignedEntity
        {
            Kind = keyless ? SignatureKinds.ClassicKeyless : SignatureKinds.ClassicKey,
            Classic = true,
            Keyless = keyless,
            Subject = expectations.ImageDigest,
            Message = message,
            SubjectChecks = [],
            LeafCheck = keyless ? LeafCertificateSteps.Parse(layer.Certificate!, out leaf) : null,
            Leaf = leaf,
            ChainPem = layer.Chain,
            Chain = [],
            HasRekorBundle = layer.Bundle is not null,
            RekorBundle = rekorBundle,
            RekorBundleError = rekorBundleError,
            LogEntries = [],
            Timestamps = [],
            RequireTlog = expectations.RequireTlog,
            RequireSct = expectations.RequireSct,
            TlogThreshold = 1,
        };
    }
}
