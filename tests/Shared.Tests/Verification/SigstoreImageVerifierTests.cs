using System.Security.Cryptography;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.Signing;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Trust;
using ImageTrust.Signing.Verifier;
using ImageTrust.Verification;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Verification;

public sealed class SigstoreImageVerifierTests : IDisposable
{
    private readonly InMemoryRegistryClient _registry = new();
    private readonly FakeEvidenceVerifier _evidence = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    [Fact]
    public async Task VerifyAsync_KeySignedByTag_Verified()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle()))]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.True(result.Verified, string.Join("; ", result.Details));
        Assert.Equal(digest, result.Image.Digest);
        Assert.Empty(result.Reasons);
        Assert.Equal(["release"], result.SatisfiedAuthorities);
        var signature = Assert.Single(result.Signatures);
        Assert.Equal(SignatureKinds.ClassicKey, signature.Kind);
        Assert.Equal("OK", signature.Reason);
        Assert.Equal(42, signature.TlogIndex);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), signature.IntegratedTime);
        Assert.Equal(SignedImages.Repository, signature.DockerReference);
        Assert.Equal(digest, signature.Subject);
        Assert.Contains(".sig layer 0", signature.Location, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(_key.ExportSubjectPublicKeyInfo())), signature.KeyId);
        Assert.Same(TrustedMaterial.PublicGood, _evidence.TlogTrusts.Single());
    }

    [Fact]
    public async Task VerifyAsync_SignedForAnotherRepository_VerifiedWithIdentityMismatchWarning()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest, reference: "registry.example.com/team/other:1.0");
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle()))]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.True(result.Verified, string.Join("; ", result.Details));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("IDENTITY_MISMATCH", warning.ReasonCode);
        Assert.Contains("registry.example.com/team/other:1.0", warning.Detail, StringComparison.Ordinal);
        Assert.Equal([warning], Assert.Single(result.Signatures).Warnings);
    }

    [Fact]
    public async Task VerifyAsync_SignedForAnotherRepositoryRuleRequiresReference_IdentityMismatch()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest, reference: "registry.example.com/team/other:1.0");
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle()))]);
        var rule = SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]) with { RequireDockerReference = true };

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), rule);

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.NoValidSignatures, "IDENTITY_MISMATCH"], result.Reasons);
        var signature = Assert.Single(result.Signatures);
        Assert.Equal("docker-reference", CheckResults.FirstFailure(signature.Checks)!.Step);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task VerifyAsync_SignedForThisRepositoryRuleRequiresReference_VerifiedWithoutWarnings()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest, reference: SignedImages.Repository + ":1.0");
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle()))]);
        var rule = SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]) with { RequireDockerReference = true };

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), rule);

        Assert.True(result.Verified, string.Join("; ", result.Details));
        Assert.Empty(result.Warnings);
        Assert.Contains(Assert.Single(result.Signatures).Checks, check => check.Step == "docker-reference" && check.Passed);
    }

    [Fact]
    public async Task VerifyAsync_DigestKnown_CostsOneManifestAndOneBlobRequest()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle()))]);

        var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.True(result.Verified);
        Assert.Equal(2, _registry.Requests.Count);
        Assert.StartsWith("manifest ", _registry.Requests[0], StringComparison.Ordinal);
        Assert.StartsWith("blob ", _registry.Requests[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_Unsigned_NoSignaturesNamingSigTag()
    {
        var digest = SignedImages.PushImage(_registry);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.NoSignatures], result.Reasons);
        Assert.Contains($"no signatures found at {SignedImages.Repository}:{digest.ToTagPrefix()}.sig", Assert.Single(result.Details), StringComparison.Ordinal);
        Assert.Empty(result.Signatures);
    }

    [Fact]
    public async Task VerifyAsync_WrongKey_SignatureInvalid()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_otherKey, payload, SignedImages.Bundle()))]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.NoValidSignatures, ClassicReasons.SignatureInvalid], result.Reasons);
        Assert.Equal(ClassicReasons.SignatureInvalid, Assert.Single(result.Signatures).Reason);
        Assert.Empty(result.SatisfiedAuthorities);
    }

    [Fact]
    public async Task VerifyAsync_PayloadEditedAfterSigning_SignatureInvalid()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        var annotations = SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle());
        SignedImages.PushSignatures(_registry, digest, [(payload.Replace("team/app", "team/apq", StringComparison.Ordinal), annotations)]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.False(result.Verified);
        Assert.Equal(ClassicReasons.SignatureInvalid, Assert.Single(result.Signatures).Reason);
    }

    [Fact]
    public async Task VerifyAsync_RegistryServesTamperedPayload_DigestMismatch()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle()))]);
        _registry.TamperBlob(SignedImages.Repository, Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(payload)), [.. "{}"u8]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.False(result.Verified);
        Assert.Equal("DIGEST_MISMATCH", Assert.Single(result.Signatures).Reason);
    }

    [Fact]
    public async Task VerifyAsync_SignatureReplayedFromOtherDigest_DigestMismatch()
    {
        var digest = SignedImages.PushImage(_registry);
        var other = SignedImages.PushImage(_registry, "2.0", salt: ",\"x\":1");
        var otherPayload = SignedImages.Payload(other);
        SignedImages.PushSignatures(_registry, digest, [(otherPayload, SignedImages.KeyAnnotations(_key, otherPayload, SignedImages.Bundle()))]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.False(result.Verified);
        Assert.Equal(ClassicReasons.DigestMismatch, Assert.Single(result.Signatures).Reason);
    }

    [Fact]
    public async Task VerifyAsync_WrongPayloadType_PayloadTypeInvalid()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest, type: "something else");
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle()))]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.Equal(ClassicReasons.PayloadTypeInvalid, Assert.Single(result.Signatures).Reason);
    }

    // cosign reads the payload with Go's encoding/json: the Kelvin-sign key is docker-manifest-digest too, and the last one
    // wins, so cosign sees the other digest where ImageTrust's old reading saw this image's. Signed with the trusted key.
    [Theory]
    [InlineData("doc\\u212Aer-manifest-digest")]
    [InlineData("doc\u212Aer-manifest-digest")]
    [InlineData("docker-manife\\u017Ft-digest")]
    public async Task VerifyAsync_DigestThenGoFoldedDigestKey_PayloadInvalid(string foldedKey)
    {
        var digest = SignedImages.PushImage(_registry);
        var other = Digest.Sha256Of("another image"u8);
        var payload = $$$"""{"critical":{"identity":{"docker-reference":"{{{SignedImages.Repository}}}"},"image":{"docker-manifest-digest":"{{{digest}}}","{{{foldedKey}}}":"{{{other}}}"},"type":"{{{CosignMediaTypes.SignatureType}}}"},"optional":null}""";
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle()))]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.False(result.Verified);
        var signature = Assert.Single(result.Signatures);
        Assert.Equal(ClassicReasons.PayloadInvalid, signature.Reason);
        Assert.Contains("'docker-manifest-digest' appears more than once", string.Join("; ", result.Details), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_NoTlogProofAndRequired_TlogMissing()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload))]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.False(result.Verified);
        Assert.Equal(ClassicReasons.TlogMissing, Assert.Single(result.Signatures).Reason);
    }

    [Fact]
    public async Task VerifyAsync_NoTlogProofAndNotRequired_Verified()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload))]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)], requireTlog: false));

        Assert.True(result.Verified);
        Assert.Null(Assert.Single(result.Signatures).TlogIndex);
    }

    [Fact]
    public async Task VerifyAsync_BadSet_TlogFails()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle(logId: "bad")))]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.False(result.Verified);
        Assert.Equal("TLOG_SET_INVALID", Assert.Single(result.Signatures).Reason);
    }

    [Fact]
    public async Task VerifyAsync_MalformedBundleAnnotation_TlogBundleInvalid()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, "{\"Payload\":{}}"))]);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.Equal(ClassicReasons.TlogBundleInvalid, Assert.Single(result.Signatures).Reason);
    }

    [Fact]
    public async Task VerifyAsync_SameAuthorityTwice_CountsOnce()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        var payload2 = payload.Replace("\"optional\":null", "\"optional\":{\"n\":2}", StringComparison.Ordinal);
        SignedImages.PushSignatures(_registry, digest, [
            (payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle())),
            (payload2, SignedImages.KeyAnnotations(_key, payload2, SignedImages.Bundle())),
        ]);
        var rule = SignedImages.Rule([SignedImages.KeyAuthority("a", _key), SignedImages.KeyAuthority("b", _otherKey)], threshold: 2);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), rule);

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.ThresholdNotMet], result.Reasons);
        Assert.Equal(["a"], result.SatisfiedAuthorities);
        Assert.All(result.Signatures, signature => Assert.True(signature.Verified));
    }

    [Fact]
    public async Task VerifyAsync_OneKeyListedAsTwoAuthorities_CountsOnce()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle()))]);
        var rule = SignedImages.Rule([SignedImages.KeyAuthority("a", _key), SignedImages.KeyAuthority("b", _key)], threshold: 2);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":1.0"), rule);

        Assert.False(result.Verified);
        Assert.Single(result.SatisfiedAuthorities);
    }

    [Fact]
    public async Task VerifyAsync_TwoSignersSamePayloadDigest_BothLayersCount()
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [
            (payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle())),
            (payload, SignedImages.KeyAnnotations(_otherKey, payload, SignedImages.Bundle())),
        ]);
        var rule = SignedImages.Rule([SignedImages.KeyAuthority("a", _key), SignedImages.KeyAuthority("b", _otherKey)], threshold: 2);

        var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), rule);

        Assert.True(result.Verified, string.Join("; ", result.Details));
        Assert.Equal(["a", "b"], result.SatisfiedAuthorities);
        Assert.Equal(2, result.Signatures.Count);
        Assert.Single(_registry.Requests, request => request.StartsWith("blob ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_ImageNotFound_ImageNotFoundResult()
    {
        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":missing"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.ImageNotFound], result.Reasons);
    }

    [Fact]
    public async Task VerifyAsync_RegistryOutage_ThrowsTransientFailure()
    {
        var digest = SignedImages.PushImage(_registry);
        _registry.Fault = request => request.Contains(".sig", StringComparison.Ordinal) ? new TransientFailureException("503") : null;

        await Assert.ThrowsAsync<TransientFailureException>(() => Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)])));
    }

    [Fact]
    public async Task VerifyAsync_OversizedSignatureManifest_VerificationFailure()
    {
        var digest = SignedImages.PushImage(_registry);
        _registry.Fault = request => request.Contains(".sig", StringComparison.Ordinal) ? new RegistryProtocolException("TOO_LARGE", "manifest larger than 4 MiB") : null;

        var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.False(result.Verified);
        Assert.Contains("TOO_LARGE", result.Reasons);
    }

    [Fact]
    public async Task VerifyAsync_MalformedKey_ThrowsConfigurationException()
    {
        var digest = SignedImages.PushImage(_registry);
        var rule = SignedImages.Rule([new KeyAuthority("bad", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", null)]);

        await Assert.ThrowsAsync<ConfigurationException>(() => Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), rule));
    }

    [Fact]
    public async Task VerifyAsync_SignatureRepositoryOverride_ReadsSignaturesThere()
    {
        const string signatures = "registry.example.com/team/signatures";
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle()))], signatures);
        var engine = Engine(options: new ImageVerifierOptions { SignatureRepository = ImageReference.Parse(signatures) });

        var result = await engine.VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

        Assert.True(result.Verified);
        Assert.All(_registry.Requests, request => Assert.Contains(signatures, request, StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_KeylessGood_VerifiedAtIntegratedTime()
    {
        var integrated = _time.GetUtcNow().AddDays(-300);
        var (leafKey, leafPem) = SignedImages.Leaf("dev@example.com", integrated.AddMinutes(-1));
        using (leafKey)
        {
            var digest = PushKeyless(leafKey, leafPem, integrated);

            var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.Keyless("ci", "dev@example.com")]));

            Assert.True(result.Verified, string.Join("; ", result.Details));
            var signature = Assert.Single(result.Signatures);
            Assert.Equal(SignatureKinds.ClassicKeyless, signature.Kind);
            Assert.Equal("dev@example.com", signature.Identity);
            Assert.Equal("https://accounts.example.com", signature.Issuer);
            Assert.Equal(integrated.ToUnixTimeSeconds(), _evidence.LastSigningTime!.Value.ToUnixTimeSeconds());
            Assert.NotNull(_evidence.TlogTrusts.Single());
        }
    }

    [Fact]
    public async Task VerifyAsync_KeylessWrongIdentity_IdentityMismatch()
    {
        var integrated = _time.GetUtcNow().AddDays(-1);
        var (leafKey, leafPem) = SignedImages.Leaf("mallory@example.com", integrated.AddMinutes(-1));
        using (leafKey)
        {
            var digest = PushKeyless(leafKey, leafPem, integrated);

            var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.Keyless("ci", "dev@example.com")]));

            Assert.False(result.Verified);
            Assert.Equal("IDENTITY_MISMATCH", Assert.Single(result.Signatures).Reason);
        }
    }

    [Fact]
    public async Task VerifyAsync_KeylessWrongIssuer_IssuerMismatch()
    {
        var integrated = _time.GetUtcNow().AddDays(-1);
        var (leafKey, leafPem) = SignedImages.Leaf("dev@example.com", integrated.AddMinutes(-1));
        using (leafKey)
        {
            var digest = PushKeyless(leafKey, leafPem, integrated);

            var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.Keyless("ci", "dev@example.com", "https://other.example.com")]));

            Assert.Equal("ISSUER_MISMATCH", Assert.Single(result.Signatures).Reason);
        }
    }

    [Fact]
    public async Task VerifyAsync_KeylessUntrustedCa_CertificateUntrusted()
    {
        var integrated = _time.GetUtcNow().AddDays(-1);
        var (leafKey, leafPem) = SignedImages.Leaf("dev@example.com", integrated.AddMinutes(-1));
        using (leafKey)
        {
            var digest = PushKeyless(leafKey, leafPem, integrated, chain: "untrusted");

            var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.Keyless("ci", "dev@example.com")]));

            Assert.Equal("CERTIFICATE_UNTRUSTED", Assert.Single(result.Signatures).Reason);
        }
    }

    [Fact]
    public async Task VerifyAsync_KeylessIntegratedTimeOutsideCertificateWindow_Fails()
    {
        var integrated = _time.GetUtcNow().AddDays(-1);
        var (leafKey, leafPem) = SignedImages.Leaf("dev@example.com", integrated.AddMinutes(-30));
        using (leafKey)
        {
            var digest = PushKeyless(leafKey, leafPem, integrated);

            var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.Keyless("ci", "dev@example.com")]));

            Assert.False(result.Verified);
            Assert.Equal(ClassicReasons.CertificateNotValidAtSigningTime, Assert.Single(result.Signatures).Reason);
        }
    }

    [Fact]
    public async Task VerifyAsync_KeylessSignatureByOtherKey_SignatureInvalid()
    {
        var integrated = _time.GetUtcNow().AddDays(-1);
        var (leafKey, leafPem) = SignedImages.Leaf("dev@example.com", integrated.AddMinutes(-1));
        using (leafKey)
        {
            var digest = PushKeyless(_otherKey, leafPem, integrated);

            var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.Keyless("ci", "dev@example.com")]));

            Assert.Equal(ClassicReasons.SignatureInvalid, Assert.Single(result.Signatures).Reason);
        }
    }

    [Fact]
    public async Task VerifyAsync_KeylessLayerWithOnlyKeyAuthorities_NoMatchingAuthority()
    {
        var integrated = _time.GetUtcNow().AddDays(-1);
        var (leafKey, leafPem) = SignedImages.Leaf("dev@example.com", integrated.AddMinutes(-1));
        using (leafKey)
        {
            var digest = PushKeyless(leafKey, leafPem, integrated);

            var result = await Engine().VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));

            Assert.Equal("NO_MATCHING_AUTHORITY", Assert.Single(result.Signatures).Reason);
        }
    }

    [Fact]
    public async Task VerifyAsync_IndexEveryPlatformOneUnsigned_PlatformNotVerified()
    {
        var (index, amd64, arm64) = PushIndex();
        SignWithKey(amd64);
        SignWithKey(index);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":multi"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)], multiArch: MultiArchRequirement.EveryPlatform));

        Assert.False(result.Verified);
        Assert.Contains(VerificationReasons.PlatformNotVerified, result.Reasons);
        Assert.Contains(VerificationReasons.NoSignatures, result.Reasons);
        Assert.Contains(result.Details, detail => detail.Contains(arm64.ToString(), StringComparison.Ordinal));
        Assert.Equal(index, result.Image.Digest);
    }

    [Fact]
    public async Task VerifyAsync_IndexEveryPlatformAllSigned_Verified()
    {
        var (_, amd64, arm64) = PushIndex();
        SignWithKey(amd64);
        SignWithKey(arm64);

        var result = await Engine().VerifyAsync(ImageReference.Parse(SignedImages.Repository + ":multi"), SignedImages.Rule([SignedImages.KeyAuthority("release", _key)], multiArch: MultiArchRequirement.EveryPlatform));

        Assert.True(result.Verified, string.Join("; ", result.Details));
        Assert.Equal(2, result.Signatures.Count);
        Assert.Equal(["release"], result.SatisfiedAuthorities);
    }

    [Fact]
    public async Task VerifyAsync_IndexOnlyIndexSigned_VerifiedForIndexButNotIndexAndEveryPlatform()
    {
        var (index, _, _) = PushIndex();
        SignWithKey(index);
        var reference = ImageReference.Parse(SignedImages.Repository + ":multi");

        var indexOnly = await Engine().VerifyAsync(reference, SignedImages.Rule([SignedImages.KeyAuthority("release", _key)]));
        var both = await Engine().VerifyAsync(reference, SignedImages.Rule([SignedImages.KeyAuthority("release", _key)], multiArch: MultiArchRequirement.IndexAndEveryPlatform));

        Assert.True(indexOnly.Verified);
        Assert.False(both.Verified);
        Assert.Contains(VerificationReasons.PlatformNotVerified, both.Reasons);
    }

    [Fact]
    public async Task VerifyAsync_BundleViaFallbackTag_SelectedByLayerMediaType()
    {
        var digest = SignedImages.PushImage(_registry);
        var bundles = new FakeBundleVerifier();
        PushBundleReferrer(digest, CosignMediaTypes.BundleV03, artifactType: OciMediaTypes.OciEmpty, viaReferrersApi: false);

        var result = await Engine(bundles).VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.Keyless("ci", "dev@example.com")]));

        Assert.True(result.Verified, string.Join("; ", result.Details));
        Assert.Equal(SignatureKinds.BundleKeyless, Assert.Single(result.Signatures).Kind);
        Assert.Equal(digest, bundles.Subjects.Single());
        Assert.Contains(_registry.Requests, request => request == $"manifest {SignedImages.Repository}:{digest.ToTagPrefix()}");
    }

    [Fact]
    public async Task VerifyAsync_BundleViaReferrersApi_Verified()
    {
        var digest = SignedImages.PushImage(_registry);
        _registry.SupportsReferrers = true;
        var bundles = new FakeBundleVerifier();
        PushBundleReferrer(digest, "application/vnd.dev.sigstore.bundle+json;version=0.2", artifactType: CosignMediaTypes.BundleV03, viaReferrersApi: true);

        var result = await Engine(bundles).VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.Keyless("ci", "dev@example.com")]));

        Assert.True(result.Verified, string.Join("; ", result.Details));
        Assert.DoesNotContain(_registry.Requests, request => request == $"manifest {SignedImages.Repository}:{digest.ToTagPrefix()}");
    }

    [Fact]
    public async Task VerifyAsync_ReferrerWithOtherLayerTypeButBundleArtifactType_Ignored()
    {
        var digest = SignedImages.PushImage(_registry);
        var bundles = new FakeBundleVerifier();
        PushBundleReferrer(digest, "application/json", artifactType: CosignMediaTypes.BundleV03, viaReferrersApi: false);

        var result = await Engine(bundles).VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.Keyless("ci", "dev@example.com")]));

        Assert.False(result.Verified);
        Assert.Equal([VerificationReasons.NoSignatures], result.Reasons);
        Assert.Empty(bundles.Subjects);
    }

    [Fact]
    public async Task VerifyAsync_ClassicOnlyRule_IgnoresBundles()
    {
        var digest = SignedImages.PushImage(_registry);
        var bundles = new FakeBundleVerifier();
        PushBundleReferrer(digest, CosignMediaTypes.BundleV03, artifactType: null, viaReferrersApi: false);

        var result = await Engine(bundles).VerifyAsync(ImageReference.Parse($"{SignedImages.Repository}@{digest}"), SignedImages.Rule([SignedImages.Keyless("ci", "dev@example.com")], formats: SignatureFormats.Classic));

        Assert.False(result.Verified);
        Assert.Empty(bundles.Subjects);
    }

    private SigstoreImageVerifier Engine(BundleSignatureVerifier? bundles = null, ImageVerifierOptions? options = null)
        => new(_registry, new AuthorityResolver(), new ClassicSignatureVerifier(_evidence, _time), bundles, options ?? new ImageVerifierOptions(), NullLogger<SigstoreImageVerifier>.Instance);

    private Digest PushKeyless(ECDsa signer, string leafPem, DateTimeOffset integrated, string? chain = null)
    {
        var digest = SignedImages.PushImage(_registry);
        var payload = SignedImages.Payload(digest);
        var annotations = new Dictionary<string, string>
        {
            [CosignAnnotations.Signature] = SignedImages.SignBase64(signer, payload),
            [CosignAnnotations.Certificate] = leafPem,
            [CosignAnnotations.Bundle] = SignedImages.Bundle(integratedTime: integrated.ToUnixTimeSeconds()),
        };
        if (chain is not null)
        {
            annotations[CosignAnnotations.Chain] = chain;
        }

        SignedImages.PushSignatures(_registry, digest, [(payload, annotations)]);
        return digest;
    }

    private (Digest Index, Digest Amd64, Digest Arm64) PushIndex()
    {
        var amd64 = SignedImages.PushImage(_registry, "amd64", salt: ",\"a\":1");
        var arm64 = SignedImages.PushImage(_registry, "arm64", salt: ",\"a\":2");
        var index = _registry.PutManifest(
            SignedImages.Repository,
            "multi",
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciIndex}}}","manifests":[{"mediaType":"{{{OciMediaTypes.OciManifest}}}","digest":"{{{amd64}}}","size":1,"platform":{"os":"linux","architecture":"amd64"}},{"mediaType":"{{{OciMediaTypes.OciManifest}}}","digest":"{{{arm64}}}","size":1,"platform":{"os":"linux","architecture":"arm64"}}]}""",
            OciMediaTypes.OciIndex);
        return (index, amd64, arm64);
    }

    private void SignWithKey(Digest digest)
    {
        var payload = SignedImages.Payload(digest);
        SignedImages.PushSignatures(_registry, digest, [(payload, SignedImages.KeyAnnotations(_key, payload, SignedImages.Bundle()))]);
    }

    private void PushBundleReferrer(Digest subject, string layerMediaType, string? artifactType, bool viaReferrersApi)
    {
        var bundle = _registry.PutBlob(SignedImages.Repository, [.. "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}"u8]);
        var artifact = artifactType is null ? string.Empty : $"\"artifactType\":\"{artifactType}\",";
        var referrer = _registry.PutManifest(
            SignedImages.Repository,
            null,
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciManifest}}}",{{{artifact}}}"config":{"mediaType":"{{{OciMediaTypes.OciEmpty}}}","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"{{{layerMediaType}}}","digest":"{{{bundle}}}","size":10}],"subject":{"mediaType":"{{{OciMediaTypes.OciManifest}}}","digest":"{{{subject}}}","size":1}}""");
        var index = $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciIndex}}}","manifests":[{"mediaType":"{{{OciMediaTypes.OciManifest}}}","digest":"{{{referrer}}}","size":1}]}""";
        if (viaReferrersApi)
        {
            _registry.PutReferrers(SignedImages.Repository, subject, index);
        }
        else
        {
            _registry.PutManifest(SignedImages.Repository, subject.ToTagPrefix(), index, OciMediaTypes.OciIndex);
        }
    }
}
