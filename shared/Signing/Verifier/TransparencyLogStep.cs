using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ImageTrust.Signing.Keys;
using ImageTrust.Signing.Transparency;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Step: the entity's transparency-log entries record its signature, signer and content, and the log vouches for them.
/// A classic layer keeps cosign's semantics: one <c>tlog</c> result from the Rekor bundle annotation (its SET, integrated time
/// and entry body). A bundle keeps the client specification's: each entry's body, integrated time, inclusion proof and
/// checkpoint, SET (or a log key valid at a verified timestamp), then the entry threshold.
/// </summary>
internal sealed class TransparencyLogStep
{
    private const int MaxBodyBytes = 1024 * 1024;
    private const string BundleNotEncoded = "the bundle's logID is not hex or its body is not base64";

    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the step; <paramref name="timeProvider"/> rejects log times in the future.</summary>
    public TransparencyLogStep(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// A classic layer's proof: null when the rule does not require one (cosign's <c>--insecure-ignore-tlog</c>: neither
    /// required nor checked), else one <c>tlog</c> result.
    /// </summary>
    /// <param name="entity">The classic entity.</param>
    /// <param name="trust">Loads the signer's trust material (only when a proof is checked).</param>
    /// <param name="signature">The signature bytes that verified.</param>
    /// <param name="signer">The signer: a DER public key (key-based) or the DER leaf certificate (keyless).</param>
    /// <param name="signerIsCertificate">Whether <paramref name="signer"/> is a certificate.</param>
    public CheckResult? CheckRekorBundle(in SignedEntity entity, Func<TrustedMaterial> trust, ReadOnlySpan<byte> signature, ReadOnlyMemory<byte> signer, bool signerIsCertificate)
    {
        ArgumentNullException.ThrowIfNull(trust);
        if (!entity.RequireTlog)
        {
            return null;
        }

        if (!entity.HasRekorBundle)
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogMissing, "no transparency-log proof (dev.sigstore.cosign/bundle annotation) and the rule requires one");
        }

        if (entity.RekorBundle is not { } bundle)
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, entity.RekorBundleError);
        }

        var material = trust();
        byte[] logId;
        try
        {
            logId = Convert.FromHexString(bundle.LogId);
        }
        catch (FormatException)
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, BundleNotEncoded);
        }

        if (!bundle.TryRentDecodedBody(out var body, out var bodyLength))
        {
            return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, BundleNotEncoded);
        }

        try
        {
            if (bodyLength > MaxBodyBytes)
            {
                return CheckResult.Fail(ClassicSteps.Tlog, ClassicReasons.TlogBundleInvalid, "the bundle's entry body is too large");
            }

            var set = SignedEntryTimestampVerifier.Verify(bundle.Body.Span, bundle.IntegratedTime, logId, bundle.LogIndex, bundle.SignedEntryTimestamp, material);
            if (!set.Passed)
            {
                return set;
            }

            var future = IntegratedTimeCheck.Verify(bundle.IntegratedAt, _timeProvider.GetUtcNow());
            if (!future.Passed)
            {
                return future;
            }

            var signerBytes = WholeArray(signer);
            var expected = new ExpectedLogContent(
                signature.ToArray(),
                signerIsCertificate ? signerBytes : null,
                signerIsCertificate ? null : signerBytes,
                entity.Envelope is null ? SHA256.HashData(entity.Message) : null,
                entity.Envelope);
            var match = LogEntryBodyMatcher.Verify(body.AsMemory(0, bodyLength), expected);
            return match.Passed
                ? CheckResult.Pass(ClassicSteps.Tlog, $"{set.Detail}; {match.Detail}")
                : match;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>
    /// A bundle's entries, each checked in full (results added to <paramref name="checks"/>), then the threshold; the
    /// integrated time of each entry verified by its SET joins <paramref name="times"/>.
    /// </summary>
    /// <param name="entity">The bundle entity.</param>
    /// <param name="material">The signer's trust material.</param>
    /// <param name="key">The signing key (the certificate's or the signer's).</param>
    /// <param name="checks">Receives the results.</param>
    /// <param name="times">The verified signing times (TSA times in; SET-verified log times added).</param>
    /// <returns>The first verified entry's index, or null.</returns>
    public long? CheckEntries(in SignedEntity entity, TrustedMaterial material, VerificationKey key, List<CheckResult> checks, List<DateTimeOffset> times)
    {
        ArgumentNullException.ThrowIfNull(material);
        ArgumentNullException.ThrowIfNull(key);
        if (entity.LogEntries.Count == 0)
        {
            checks.Add(CheckResult.Fail(ClassicSteps.Tlog, "TLOG_ENTRY_MISSING", "the bundle has no transparency log entry"));
            return null;
        }

        var leaf = entity.Certificate;
        var expected = new ExpectedLogContent(
            entity.MessageSignature?.Signature ?? entity.Envelope!.Signatures[0].Signature,
            leaf?.Certificate.RawData,
            leaf is null ? key.SubjectPublicKeyInfo : null,
            entity.MessageSignature is null ? null : entity.Artifact!.Sha256,
            entity.Envelope);
        var now = _timeProvider.GetUtcNow();
        var timestampTimes = times.ToArray();
        var verified = 0;
        long? firstIndex = null;
        foreach (var entry in entity.LogEntries)
        {
            var entryChecks = CheckEntry(entity.BundleMinorVersion, entry, expected, material, now, timestampTimes);
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

        checks.Add(verified >= entity.TlogThreshold
            ? CheckResult.Pass(ClassicSteps.Tlog, $"{verified} verified log entries")
            : CheckResult.Fail(ClassicSteps.Tlog, "TLOG_THRESHOLD_NOT_MET", $"{verified} of {entity.TlogThreshold} required log entries verified"));
        return firstIndex;
    }

    private static List<CheckResult> CheckEntry(int minorVersion, TransparencyLogEntry entry, ExpectedLogContent expected, TrustedMaterial material, DateTimeOffset now, DateTimeOffset[] timestampTimes)
    {
        const string step = ClassicSteps.Tlog;
        var entryChecks = new List<CheckResult> { LogEntryBodyMatcher.Verify(entry, expected) };
        if (entry.IntegratedAt is { } integrated)
        {
            entryChecks.Add(IntegratedTimeCheck.Verify(integrated, now));
        }

        if (entry.InclusionProof is { } proof)
        {
            entryChecks.Add(MerkleInclusionVerifier.Verify(entry.CanonicalizedBody, proof));
            entryChecks.Add(CheckpointVerifier.Verify(proof, entry.LogId, material));
        }
        else if (minorVersion >= 2)
        {
            entryChecks.Add(CheckResult.Fail(MerkleInclusionVerifier.Step, "INCLUSION_PROOF_MISSING", "bundles from v0.2 on must carry an inclusion proof"));
        }

        if (entry.SignedEntryTimestamp is not null)
        {
            entryChecks.Add(SignedEntryTimestampVerifier.Verify(entry, material));
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
            var inWindow = material.FindTransparencyLogs(entry.LogId).Any(log => timestampTimes.Any(log.Validity.Contains));
            entryChecks.Add(inWindow
                ? CheckResult.Pass(step, "log key valid at the timestamp")
                : CheckResult.Fail(step, "TLOG_OUTSIDE_VALIDITY", "the log key is not valid at any verified timestamp"));
        }

        return entryChecks;
    }

    /// <summary>
    /// The array behind <paramref name="bytes"/> when it spans all of it (a certificate's cached DER, a key's SPKI), else a
    /// copy. The body match only reads it, so the certificate is not copied once per signature.
    /// </summary>
    private static byte[] WholeArray(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Array is { } array && segment.Offset == 0 && segment.Count == array.Length
            ? array
            : bytes.ToArray();
}
