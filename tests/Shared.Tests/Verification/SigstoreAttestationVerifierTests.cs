using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Verifier;
using ImageTrust.Verification;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Verification;

public sealed class SigstoreAttestationVerifierTests : IDisposable
{
    private const string Provenance = "https://slsa.dev/provenance/v1";
    private readonly InMemoryRegistryClient _registry = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    [Fact]
    public async Task VerifyAsync_SignedProvenance_VerifiedWithStatement()
    {
        var digest = SignedImages.PushImage(_registry);
        PushAttestation(digest, Sign(_key, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex)));

        var result = await VerifyAsync(Requirement());

        Assert.True(result.Verified, string.Join(",", result.Reasons));
        Assert.Empty(result.Reasons);
        Assert.Equal(digest, result.Image.Digest);
        var attestation = Assert.Single(result.Attestations);
        Assert.Equal(Provenance, attestation.PredicateType);
        Assert.Equal(SignatureKinds.ClassicKey, attestation.Verification.Kind);
        Assert.Equal("release", attestation.Verification.Authority);
        Assert.Contains(".att layer 0", attestation.Verification.Location, StringComparison.Ordinal);
        using var statement = JsonDocument.Parse(attestation.StatementJson!);
        Assert.Equal(Provenance, statement.RootElement.GetProperty("predicateType").GetString());
    }

    [Fact]
    public async Task VerifyAsync_OtherPredicateTypeRequested_NoAttestations()
    {
        var digest = SignedImages.PushImage(_registry);
        PushAttestation(digest, Sign(_key, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex)));

        var result = await VerifyAsync(Requirement("https://spdx.dev/Document"));

        Assert.False(result.Verified);
        Assert.Equal([AttestationReasons.NoAttestations], result.Reasons);
        Assert.Empty(result.Attestations);
    }

    [Fact]
    public async Task VerifyAsync_NoAttTag_NoAttestations()
    {
        SignedImages.PushImage(_registry);

        var result = await VerifyAsync(Requirement());

        Assert.False(result.Verified);
        Assert.Equal([AttestationReasons.NoAttestations], result.Reasons);
    }

    [Fact]
    public async Task VerifyAsync_PayloadReplacedAfterSigning_SignatureInvalid()
    {
        var digest = SignedImages.PushImage(_registry);
        var signed = Sign(_key, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex));
        var forged = AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex, builderId: "https://evil.example.com/ci");
        PushAttestation(digest, signed.Replace(
            Convert.ToBase64String(Encoding.UTF8.GetBytes(AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex))),
            Convert.ToBase64String(Encoding.UTF8.GetBytes(forged)),
            StringComparison.Ordinal));

        var result = await VerifyAsync(Requirement());

        Assert.False(result.Verified);
        Assert.Equal([AttestationReasons.NoValidAttestations, ClassicReasons.SignatureInvalid], result.Reasons);
        Assert.Null(Assert.Single(result.Attestations).StatementJson);
    }

    [Fact]
    public async Task VerifyAsync_SignedByOtherKey_SignatureInvalid()
    {
        var digest = SignedImages.PushImage(_registry);
        PushAttestation(digest, Sign(_otherKey, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex)));

        var result = await VerifyAsync(Requirement());

        Assert.False(result.Verified);
        Assert.Equal(ClassicReasons.SignatureInvalid, Assert.Single(result.Attestations).Verification.Reason);
    }

    [Fact]
    public async Task VerifyAsync_StatementForOtherImage_SubjectDigestMismatch()
    {
        var digest = SignedImages.PushImage(_registry);
        PushAttestation(digest, Sign(_key, AttestationStatementChecksTests.StatementJson(subjectHex: new string('c', 64))));

        var result = await VerifyAsync(Requirement());

        Assert.False(result.Verified);
        Assert.Contains(AttestationReasons.SubjectDigestMismatch, result.Reasons);
    }

    [Fact]
    public async Task VerifyAsync_ConditionHolds_Verified()
    {
        var digest = SignedImages.PushImage(_registry);
        PushAttestation(digest, Sign(_key, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex)));

        var result = await VerifyAsync(Requirement(conditions: [new("runDetails.builder.id", StringMatcher.ExactValue("https://github.com/example/ci"))]));

        Assert.True(result.Verified, string.Join(",", result.Reasons));
    }

    [Fact]
    public async Task VerifyAsync_ConditionFails_ConditionNotMet()
    {
        var digest = SignedImages.PushImage(_registry);
        PushAttestation(digest, Sign(_key, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex)));

        var result = await VerifyAsync(Requirement(conditions: [new("runDetails.builder.id", StringMatcher.Regexp("^https://ci\\.internal/.*$"))]));

        Assert.False(result.Verified);
        Assert.Contains(AttestationReasons.ConditionNotMet, result.Reasons);
    }

    [Fact]
    public async Task VerifyAsync_TlogRequiredButAbsent_TlogMissing()
    {
        var digest = SignedImages.PushImage(_registry);
        PushAttestation(digest, Sign(_key, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex)));

        var result = await VerifyAsync(Requirement(), requireTlog: true);

        Assert.False(result.Verified);
        Assert.Contains(ClassicReasons.TlogMissing, result.Reasons);
    }

    [Fact]
    public async Task VerifyAsync_OneGoodAmongBad_Verified()
    {
        var digest = SignedImages.PushImage(_registry);
        PushAttestation(
            digest,
            Sign(_otherKey, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex)),
            Sign(_key, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex)));

        var result = await VerifyAsync(Requirement());

        Assert.True(result.Verified);
        Assert.Equal(2, result.Attestations.Count);
        Assert.Single(result.Attestations, attestation => attestation.StatementJson is not null);
    }

    [Fact]
    public async Task VerifyAsync_EnvelopeNotJson_StatementMalformedAndNotVerified()
    {
        var digest = SignedImages.PushImage(_registry);
        PushAttestation(digest, "not a DSSE envelope");

        var result = await VerifyAsync(Requirement());

        Assert.False(result.Verified);
        Assert.Equal([AttestationReasons.NoValidAttestations, AttestationReasons.StatementMalformed], result.Reasons);
    }

    [Fact]
    public async Task VerifyAsync_EnvelopeNotInToto_NoAttestations()
    {
        var digest = SignedImages.PushImage(_registry);
        PushAttestation(digest, Sign(_key, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex)).Replace(DsseEnvelope.InTotoPayloadType, "text/plain", StringComparison.Ordinal));

        var result = await VerifyAsync(Requirement());

        Assert.False(result.Verified);
        Assert.Equal([AttestationReasons.NoAttestations], result.Reasons);
    }

    // cosign reads a classic .att statement with Go's encoding/json, where a later "Subject" replaces "subject": this one
    // names this image for ImageTrust's old reading and another image for cosign's. Signed, so only the reading decides.
    [Fact]
    public async Task VerifyAsync_SubjectThenUpperCaseSubject_StatementMalformed()
    {
        var digest = SignedImages.PushImage(_registry);
        var statement = $$$"""{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"app","digest":{"sha256":"{{{digest.Hex}}}"}}],"Subject":[{"name":"other","digest":{"sha256":"{{{new string('c', 64)}}}"}}],"predicateType":"{{{Provenance}}}","predicate":{}}""";
        PushAttestation(digest, Sign(_key, statement));

        var result = await VerifyAsync(Requirement());

        Assert.False(result.Verified);
        Assert.Equal([AttestationReasons.NoValidAttestations, AttestationReasons.StatementMalformed], result.Reasons);
        Assert.Contains(Assert.Single(result.Attestations).Verification.Checks, check => check.Detail.Contains("'subject'", StringComparison.Ordinal));
    }

    // A DigestSet is a map: Go matches its keys exactly, so "SHA256" does not name this image's sha256 digest.
    [Fact]
    public async Task VerifyAsync_UpperCaseDigestAlgorithmKey_SubjectDigestMismatch()
    {
        var digest = SignedImages.PushImage(_registry);
        var statement = $$$"""{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"app","digest":{"SHA256":"{{{digest.Hex}}}"}}],"predicateType":"{{{Provenance}}}","predicate":{}}""";
        PushAttestation(digest, Sign(_key, statement));

        var result = await VerifyAsync(Requirement());

        Assert.False(result.Verified);
        Assert.Contains(AttestationReasons.SubjectDigestMismatch, result.Reasons);
    }

    [Fact]
    public async Task VerifyAsync_Sha256DigestKeyTwice_StatementMalformed()
    {
        var digest = SignedImages.PushImage(_registry);
        var statement = $$$"""{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"app","digest":{"sha256":"{{{digest.Hex}}}","sha256":"{{{new string('c', 64)}}}"}}],"predicateType":"{{{Provenance}}}","predicate":{}}""";
        PushAttestation(digest, Sign(_key, statement));

        var result = await VerifyAsync(Requirement());

        Assert.False(result.Verified);
        Assert.Equal([AttestationReasons.NoValidAttestations, AttestationReasons.StatementMalformed], result.Reasons);
    }

    [Fact]
    public async Task VerifyAsync_AttestationManifestOverSignatureLimit_TooManySignaturesWithoutFetchingEnvelopes()
    {
        var digest = SignedImages.PushImage(_registry);
        var envelope = Sign(_key, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex));
        PushAttestation(digest, [.. Enumerable.Repeat(envelope, VerificationLimits.DefaultMaxSignatures + 1)]);

        var result = await VerifyAsync(Requirement());

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.TooManySignatures], result.Reasons);
        Assert.Contains("maxSignatures = 64", Assert.Single(result.Details), StringComparison.Ordinal);
        Assert.DoesNotContain(_registry.Requests, request => request.StartsWith("blob ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_IdenticalAttestationLayers_EnvelopeFetchedOnce()
    {
        var digest = SignedImages.PushImage(_registry);
        var envelope = Sign(_key, AttestationStatementChecksTests.StatementJson(subjectHex: digest.Hex));
        PushAttestation(digest, [.. Enumerable.Repeat(envelope, 8)]);

        var result = await VerifyAsync(Requirement());

        Assert.True(result.Verified, string.Join(",", result.Reasons));
        Assert.Single(_registry.Requests, request => request.StartsWith("blob ", StringComparison.Ordinal));
    }

    private AttestationRequirement Requirement(string predicateType = Provenance, IReadOnlyList<PredicateCondition>? conditions = null)
        => new(predicateType, [SignedImages.KeyAuthority("release", _key)], conditions ?? []);

    private Task<AttestationVerdict> VerifyAsync(AttestationRequirement requirement, bool requireTlog = false)
    {
        var engine = new SigstoreAttestationVerifier(
            _registry, new AuthorityResolver(), new FakeEvidenceVerifier(), _time, new ImageVerifierOptions(), NullLogger<SigstoreAttestationVerifier>.Instance);
        var rule = SignedImages.Rule(requirement.Authorities, requireTlog: requireTlog) with { Attestations = [requirement] };
        return engine.VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), requirement, rule);
    }

    private static string Sign(ECDsa key, string statement)
    {
        var payload = Encoding.UTF8.GetBytes(statement);
        var signature = key.SignData(PreAuthenticationEncoder.Encode(DsseEnvelope.InTotoPayloadType, payload), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return $$$"""{"payloadType":"{{{DsseEnvelope.InTotoPayloadType}}}","payload":"{{{Convert.ToBase64String(payload)}}}","signatures":[{"keyid":"","sig":"{{{Convert.ToBase64String(signature)}}}"}]}""";
    }

    private void PushAttestation(Digest subject, params string[] envelopes)
    {
        var layers = new List<string>();
        foreach (var envelope in envelopes)
        {
            var bytes = Encoding.UTF8.GetBytes(envelope);
            var digest = _registry.PutBlob(SignedImages.Repository, bytes);
            layers.Add($$$"""{"mediaType":"{{{CosignMediaTypes.DsseEnvelope}}}","digest":"{{{digest}}}","size":{{{bytes.Length}}},"annotations":{"{{{CosignAnnotations.Signature}}}":"","predicateType":"{{{Provenance}}}"}}""");
        }

        _registry.PutManifest(
            SignedImages.Repository,
            subject.ToTagPrefix() + CosignMediaTypes.AttestationTagSuffix,
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciManifest}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{{{new string('0', 64)}}}","size":0},"layers":[{{{string.Join(",", layers)}}}]}""");
    }
}
