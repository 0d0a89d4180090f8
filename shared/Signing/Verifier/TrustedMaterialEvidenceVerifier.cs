using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Transparency;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// The Sigstore checks of classic signatures over real trust material: the SET with the trusted Rekor keys, the hashedrekord
/// entry body against our signature, signer and payload digest, and the keyless leaf's chain at the signing time (direct
/// signature checks over cached authority certificates), codeSigning EKU, SCT, identity and issuer.
/// </summary>
internal sealed class TrustedMaterialEvidenceVerifier : SigstoreEvidenceVerifier
{
    private const int MaxBodyBytes = 1024 * 1024;
    private const int MaxCachedChains = 256;
    private const string BundleNotEncoded = "the bundle's logID is not hex or its body is not base64";

    // Parsing is a pure function of the PEM text, and most signatures carry the same Fulcio chain: parse each text once.
    private readonly ConcurrentDictionary<string, IReadOnlyList<ParsedCertificate>> _chains = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<ParsedCertificate>>.AlternateLookup<ReadOnlySpan<char>> _chainLookup;

    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the verifier; <paramref name="timeProvider"/> rejects log times in the future.</summary>
    public TrustedMaterialEvidenceVerifier(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _chainLookup = _chains.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc />
    public override CheckResult VerifyTlog(Func<TrustedMaterial> trust, RekorBundle bundle, ReadOnlySpan<byte> signature, ReadOnlyMemory<byte> signer, bool signerIsCertificate, ReadOnlySpan<byte> payload)
    {
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
                SHA256.HashData(payload),
                null);
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

    /// <inheritdoc />
    public override CertificateEvidence VerifyCertificate(IdentitySigner signer, LeafCertificate leaf, AnnotationValue? chainPem, DateTimeOffset signingTime, bool requireSct)
    {
        var material = signer.TrustedMaterial();
        if (leaf.Parsed is not { } parsed)
        {
            return new CertificateEvidence([CheckResult.Fail(CertificateChainVerifier.Step, ClassicReasons.CertificateInvalid, leaf.ParseError ?? "malformed certificate")], null, null);
        }

        IReadOnlyList<ParsedCertificate> chain;
        try
        {
            chain = chainPem is null ? [] : ParseChain(chainPem);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return new CertificateEvidence([CheckResult.Fail(CertificateChainVerifier.Step, ClassicReasons.CertificateInvalid, e.Message)], null, null);
        }

        var verification = KeylessCertificateVerifier.Verify(parsed, chain, material, [signingTime], signer.Identity, ignoreSctUnsafe: !requireSct);
        var identity = verification.MatchedSubjectAlternativeName ?? verification.Identity?.SubjectAlternativeNames.FirstOrDefault();
        return new CertificateEvidence(verification.Checks, identity, verification.Identity?.Issuer);
    }

    /// <summary>
    /// The array behind <paramref name="bytes"/> when it spans all of it (a certificate's cached DER, a key's SPKI), else a
    /// copy. The body match only reads it, so the certificate is not copied once per signature.
    /// </summary>
    private static byte[] WholeArray(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Array is { } array && segment.Offset == 0 && segment.Count == array.Length
            ? array
            : bytes.ToArray();

    private IReadOnlyList<ParsedCertificate> ParseChain(AnnotationValue chainPem)
    {
        var utf8 = ArrayPool<byte>.Shared.Rent(chainPem.MaxByteCount);
        var chars = ArrayPool<char>.Shared.Rent(chainPem.MaxByteCount);
        try
        {
            var text = chars.AsSpan(0, Encoding.UTF8.GetChars(utf8.AsSpan(0, chainPem.CopyTo(utf8)), chars));
            if (_chainLookup.TryGetValue(text, out var cached))
            {
                return cached;
            }

            var parsed = KeylessCertificateVerifier.ParsePem(text);
            if (_chains.Count < MaxCachedChains)
            {
                _chainLookup.TryAdd(text, parsed);
            }

            return parsed;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }
}
