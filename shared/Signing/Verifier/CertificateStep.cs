using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Step: a keyless entity's certificate chains to a trusted CA at the signing time(s), carries the codeSigning usage and
/// (unless bypassed) an SCT, and names the signer's identity and issuer. A classic layer is checked at its one signing time
/// (its chain annotation parsed once per distinct text); a bundle at every verified signing time.
/// </summary>
internal sealed class CertificateStep
{
    private const int MaxCachedChains = 256;

    // Parsing is a pure function of the PEM text, and most signatures carry the same Fulcio chain: parse each text once.
    private readonly ConcurrentDictionary<string, IReadOnlyList<ParsedCertificate>> _chains = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<ParsedCertificate>>.AlternateLookup<ReadOnlySpan<char>> _chainLookup;

    /// <summary>Creates the step.</summary>
    public CertificateStep()
    {
        _chainLookup = _chains.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// Verifies a classic layer's <paramref name="leaf"/> against <paramref name="signer"/>: the chain (leaf,
    /// <paramref name="chainPem"/> intermediates) to a trusted root with every certificate valid at
    /// <paramref name="signingTime"/>, the codeSigning EKU, an SCT when <paramref name="requireSct"/>, and the identity
    /// (any SAN) and issuer matchers.
    /// </summary>
    /// <returns>The checks in order, and the identity (the matched SAN, else the first) and issuer found (null when absent).</returns>
    public CertificateEvidence VerifyLeaf(IdentitySigner signer, LeafCertificate leaf, AnnotationValue? chainPem, DateTimeOffset signingTime, bool requireSct)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(leaf);
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

    /// <summary>Verifies a bundle's certificate and chain at every time of <paramref name="signingTimes"/>; the identity reported is the matched SAN only.</summary>
    public static CertificateEvidence VerifyBundleCertificate(in SignedEntity entity, IdentitySigner signer, TrustedMaterial material, IReadOnlyCollection<DateTimeOffset> signingTimes)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var verification = KeylessCertificateVerifier.Verify(entity.Certificate!, entity.Chain, material, signingTimes, signer.Identity, ignoreSctUnsafe: !entity.RequireSct);
        return new CertificateEvidence(verification.Checks, verification.MatchedSubjectAlternativeName, verification.Identity?.Issuer);
    }

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
