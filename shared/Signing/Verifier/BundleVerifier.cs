using System.Security.Cryptography;
using ImageTrust.Model;
using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Keys;
using ImageTrust.Signing.Transparency;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Verifies Sigstore bundles per the Sigstore client specification: signing times from the transparency log (SET) and RFC 3161
/// timestamps; log entries by body, inclusion proof, checkpoint and SET; the certificate chain, usage, SCT and identity at
/// every signing time; and the signature over the artifact or the DSSE PAE. Built once from trust material and options;
/// thread-safe. Never throws for a verdict: every outcome is a <see cref="BundleVerificationResult"/>.
/// </summary>
internal sealed class BundleVerifier
{
    private readonly TrustedMaterial _material;
    private readonly BundleVerifierOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a verifier.</summary>
    public BundleVerifier(TrustedMaterial material, BundleVerifierOptions options, TimeProvider timeProvider)
    {
        _material = material;
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Parses and verifies bundle JSON; a malformed bundle is a failed verification (<c>BUNDLE_MALFORMED</c>).</summary>
    public BundleVerificationResult Verify(ReadOnlyMemory<byte> bundleJson, BundleVerificationPolicy policy)
    {
        SigstoreBundle bundle;
        try
        {
            bundle = SigstoreBundleParser.Parse(bundleJson);
        }
        catch (FormatException e)
        {
            return BundleVerificationResult.Failed(CheckResult.Fail("bundle", "BUNDLE_MALFORMED", e.Message));
        }

        return Verify(bundle, policy);
    }

    /// <summary>
    /// Verifies a cosign v3 image signature: a DSSE bundle whose in-toto statement has predicate type
    /// <c>https://sigstore.dev/cosign/sign/v1</c> and a subject whose sha256 is <paramref name="imageDigest"/>.
    /// </summary>
    /// <param name="bundle">The bundle from the referrer or fallback tag.</param>
    /// <param name="imageDigest">The image manifest digest (sha256).</param>
    /// <param name="identity">The expected keyless identity, or null when <paramref name="key"/> is given.</param>
    /// <param name="key">The expected key, or null when <paramref name="identity"/> is given.</param>
    public BundleVerificationResult VerifyImageSignature(SigstoreBundle bundle, Digest imageDigest, CertificateIdentity? identity, VerificationKey? key)
    {
        if (imageDigest.Algorithm != "sha256")
        {
            return BundleVerificationResult.Failed(CheckResult.Fail("image-signature", "UNSUPPORTED_DIGEST", $"{imageDigest} is not a sha256 digest"));
        }

        var artifact = BundleArtifact.FromSha256(imageDigest.ToBytes());
        var policy = identity is not null ? BundleVerificationPolicy.ForIdentity(artifact, identity)
            : key is not null ? BundleVerificationPolicy.ForKey(artifact, key)
            : throw new ArgumentException("an identity or a key is required");
        var result = Verify(bundle, policy);
        var predicate = bundle.Envelope is null
            ? CheckResult.Fail("image-signature", "NOT_A_DSSE_SIGNATURE", "an image signature bundle must carry a DSSE in-toto statement")
            : result.Statement?.PredicateType == BundleMediaTypes.CosignSignPredicateType
                ? CheckResult.Pass("image-signature", BundleMediaTypes.CosignSignPredicateType)
                : CheckResult.Fail("image-signature", "WRONG_PREDICATE_TYPE", $"predicate type '{result.Statement?.PredicateType}' is not {BundleMediaTypes.CosignSignPredicateType}");
        List<CheckResult> checks = [.. result.Checks, predicate];
        return result with { Verified = result.Verified && predicate.Passed, Checks = checks };
    }

    /// <summary>Verifies a parsed bundle against <paramref name="policy"/>.</summary>
    public BundleVerificationResult Verify(SigstoreBundle bundle, BundleVerificationPolicy policy)
    {
        var checks = new List<CheckResult>();
        var leaf = bundle.Certificate;
        if (policy.Identity is not null && leaf is null)
        {
            return BundleVerificationResult.Failed(CheckResult.Fail("verification-material", "KEY_BUNDLE_WITHOUT_KEY", "the bundle is signed with a key but no key was given"));
        }

        if (policy.Key is not null && leaf is not null)
        {
            return BundleVerificationResult.Failed(CheckResult.Fail("verification-material", "CERTIFICATE_BUNDLE_WITH_KEY", "the bundle carries a certificate but a key was given"));
        }

        var signingKey = leaf is not null ? leaf.PublicKey : policy.Key;
        if (signingKey is null)
        {
            return BundleVerificationResult.Failed(CheckResult.Fail("verification-material", "UNSUPPORTED_KEY", "the certificate's key algorithm is not supported"));
        }

        // The steps run in the order of the spec: signature, then transparency log and timestamps, then certificate and
        // identity; every step runs, and the first failure names the verdict.
        var statement = VerifySignature(bundle, signingKey, policy.Artifact, checks);
        var signature = bundle.SignatureBytes;
        var times = new List<DateTimeOffset>();
        foreach (var timestamp in bundle.SignedTimestamps)
        {
            var verification = Rfc3161TimestampVerifier.Verify(timestamp, signature, _material);
            checks.Add(verification.Result);
            if (verification.Time is { } time)
            {
                times.Add(time);
            }
        }

        long? tlogIndex = null;
        if (!_options.IgnoreTransparencyLogUnsafe)
        {
            var expected = new ExpectedLogContent(
                signature,
                leaf?.Certificate.RawData,
                leaf is null ? signingKey.SubjectPublicKeyInfo : null,
                bundle.MessageSignature is null ? null : policy.Artifact.Sha256,
                bundle.Envelope);
            tlogIndex = VerifyTransparencyLog(bundle, expected, checks, times);
        }

        string? matchedIdentity = null;
        string? issuer = null;
        if (leaf is not null)
        {
            var keyless = KeylessCertificateVerifier.Verify(leaf, bundle.ChainCertificates, _material, times, policy.Identity!, _options.IgnoreSctUnsafe);
            checks.AddRange(keyless.Checks);
            matchedIdentity = keyless.MatchedSubjectAlternativeName;
            issuer = keyless.Identity?.Issuer;
        }

        return new BundleVerificationResult(CheckResults.AllPassed(checks), checks, matchedIdentity, issuer, signingKey.KeyIdHex, tlogIndex, times.Count == 0 ? null : times.Min(), statement);
    }

    private long? VerifyTransparencyLog(SigstoreBundle bundle, ExpectedLogContent expected, List<CheckResult> checks, List<DateTimeOffset> times)
    {
        const string step = "tlog";
        if (bundle.TransparencyLogEntries.Count == 0)
        {
            checks.Add(CheckResult.Fail(step, "TLOG_ENTRY_MISSING", "the bundle has no transparency log entry"));
            return null;
        }

        var now = _timeProvider.GetUtcNow();
        var timestampTimes = times.ToArray();
        var verified = 0;
        long? firstIndex = null;
        foreach (var entry in bundle.TransparencyLogEntries)
        {
            var entryChecks = new List<CheckResult> { LogEntryBodyMatcher.Verify(entry, expected) };
            if (entry.IntegratedAt is { } integrated)
            {
                entryChecks.Add(IntegratedTimeCheck.Verify(integrated, now));
            }

            if (entry.InclusionProof is { } proof)
            {
                entryChecks.Add(MerkleInclusionVerifier.Verify(entry.CanonicalizedBody, proof));
                entryChecks.Add(CheckpointVerifier.Verify(proof, entry.LogId, _material));
            }
            else if (bundle.MinorVersion >= 2)
            {
                entryChecks.Add(CheckResult.Fail(MerkleInclusionVerifier.Step, "INCLUSION_PROOF_MISSING", "bundles from v0.2 on must carry an inclusion proof"));
            }

            if (entry.SignedEntryTimestamp is not null)
            {
                entryChecks.Add(SignedEntryTimestampVerifier.Verify(entry, _material));
            }
            else if (entry.InclusionProof is null)
            {
                entryChecks.Add(CheckResult.Fail(step, "TLOG_PROOF_MISSING", "the entry has neither an inclusion proof nor a SET"));
            }
            else if (timestampTimes.Length == 0)
            {
                // Rekor v2 entries carry no SET and no integrated time: only a trusted timestamp can date the signature.
                entryChecks.Add(CheckResult.Fail(step, "TIMESTAMP_MISSING", "the entry has no SET, so a verified RFC 3161 timestamp is required, and the bundle has none"));
            }
            else
            {
                // Without a SET the log vouches for no time: its key must have been valid when the TSA saw the signature.
                var inWindow = _material.FindTransparencyLogs(entry.LogId).Any(log => timestampTimes.Any(log.Validity.Contains));
                entryChecks.Add(inWindow
                    ? CheckResult.Pass(step, "log key valid at the timestamp")
                    : CheckResult.Fail(step, "TLOG_OUTSIDE_VALIDITY", "the log key is not valid at any verified timestamp"));
            }

            checks.AddRange(entryChecks);
            if (CheckResults.AllPassed(entryChecks))
            {
                verified++;
                firstIndex ??= entry.LogIndex;
                if (entry.SignedEntryTimestamp is not null && entry.IntegratedAt is { } time)
                {
                    times.Add(time);
                }
            }
        }

        checks.Add(verified >= _options.TransparencyLogThreshold
            ? CheckResult.Pass(step, $"{verified} verified log entries")
            : CheckResult.Fail(step, "TLOG_THRESHOLD_NOT_MET", $"{verified} of {_options.TransparencyLogThreshold} required log entries verified"));
        return firstIndex;
    }

    private static InTotoStatement? VerifySignature(SigstoreBundle bundle, VerificationKey key, BundleArtifact artifact, List<CheckResult> checks)
    {
        const string step = "signature";
        if (bundle.MessageSignature is { } message)
        {
            if (message.Sha256Digest is { } hint && !hint.AsSpan().SequenceEqual(artifact.Sha256))
            {
                checks.Add(CheckResult.Fail(step, "MESSAGE_DIGEST_MISMATCH", "the bundle's message digest is not the artifact's"));
                return null;
            }

            bool valid;
            if (artifact.Content is { } content)
            {
                valid = key.VerifyMessage(content, message.Signature, key.DefaultHash);
            }
            else
            {
                valid = key.DefaultHash == HashAlgorithmName.SHA256 && key.VerifyDigest(artifact.Sha256, message.Signature, HashAlgorithmName.SHA256);
            }

            checks.Add(valid ? CheckResult.Pass(step) : CheckResult.Fail(step, "SIGNATURE_INVALID", "the signature does not verify over the artifact"));
            return null;
        }

        var envelope = bundle.Envelope!;
        var signatureValid = key.VerifyMessage(envelope.PreAuthenticationEncoding(), envelope.Signatures[0].Signature, key.DefaultHash);
        checks.Add(signatureValid ? CheckResult.Pass(step, "DSSE") : CheckResult.Fail(step, "SIGNATURE_INVALID", "the DSSE signature does not verify"));
        if (envelope.PayloadType != DsseEnvelope.InTotoPayloadType)
        {
            checks.Add(CheckResult.Fail("statement", "UNSUPPORTED_PAYLOAD_TYPE", $"payload type '{envelope.PayloadType}' is not in-toto"));
            return null;
        }

        InTotoStatement statement;
        try
        {
            statement = InTotoStatement.Parse(envelope.Payload);
        }
        catch (FormatException e)
        {
            checks.Add(CheckResult.Fail("statement", "STATEMENT_MALFORMED", e.Message));
            return null;
        }

        checks.Add(statement.HasSubjectDigest("sha256", Convert.ToHexStringLower(artifact.Sha256))
            ? CheckResult.Pass("statement", statement.PredicateType)
            : CheckResult.Fail("statement", "SUBJECT_DIGEST_MISMATCH", "no statement subject has the artifact's sha256"));
        return statement;
    }
}
