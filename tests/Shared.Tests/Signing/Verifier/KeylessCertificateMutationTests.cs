using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CsCheck;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Shared.Tests.Signing.Certificates;
using ImageTrust.Signing;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Trust;
using ImageTrust.Signing.Verifier;
using ImageTrust.TestSupport.Fixtures;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Signing.Verifier;

/// <summary>
/// The keyless certificate steps on randomly damaged leaves, past the transparency log (which would refuse a changed
/// certificate first): parsing the annotation, chain, usage, SCT and identity never throw, and never all pass.
/// </summary>
public sealed class KeylessCertificateMutationTests
{
    private const string OpensslKeylessManifest = "sha256:9593753fe3bed058aa3c0a74ddef3da375ab0e3411298b0d396e0ca9c0391ec4";

    [Fact]
    public void VerifyCertificate_MutatedOpensslLeaf_NeverThrowsNorPasses()
    {
        var keys = Path.Combine(FixturesDirectory.Find(), "keys", "keyless");
        var trust = new TrustMaterialSource(
            Path.Combine(keys, "TEST-ONLY-fulcio-root.crt.pem"), Path.Combine(keys, "TEST-ONLY-fulcio-intermediate.crt.pem"), null, null, null);
        var layer = SignatureManifest.Parse(File.ReadAllBytes(Path.Combine(FixturesDirectory.Find(), "registry", "blobs", "sha256", OpensslKeylessManifest["sha256:".Length..]))).Layers[0];
        using var original = X509Certificate2.CreateFromPem(layer.Certificate!.ToString());
        var identity = FulcioIdentity.From(ParsedCertificate.From(original));
        var cache = new TrustMaterialCache();
        var authority = new IdentitySigner("ci", new CertificateIdentity(StringMatcher.ExactValue(identity.SubjectAlternativeNames[0]), StringMatcher.ExactValue(identity.Issuer!)), () => cache.Get(trust));

        // The SCT is not required here: the openssl CA issues none (the conformance leaf below covers it).
        AssertMutationsRefused(original.RawData, authority, original.NotBefore.ToUniversalTime().AddSeconds(30), requireSct: false);
    }

    [Fact]
    public void VerifyCertificate_MutatedPublicGoodFulcioLeaf_NeverThrowsNorPasses()
    {
        const string Case = "happy-path-v0.3";
        var leaf = ConformanceMaterial.Leaf(Case);
        var identity = FulcioIdentity.From(leaf);
        var authority = new IdentitySigner("ci", new CertificateIdentity(StringMatcher.ExactValue(identity.SubjectAlternativeNames[0]), StringMatcher.ExactValue(identity.Issuer!)), () => TrustedMaterial.PublicGood);

        AssertMutationsRefused(leaf.RawData.ToArray(), authority, ConformanceMaterial.IntegratedTime(Case), requireSct: true);
    }

    private static void AssertMutationsRefused(byte[] der, IdentitySigner authority, DateTimeOffset signingTime, bool requireSct)
    {
        var evidence = new CertificateStep();
        Assert.True(CheckResults.AllPassed(Verify(evidence, der, authority, signingTime, requireSct)!), "the undamaged leaf must pass, or the property says nothing");

        var parsedAndChecked = 0;
        Gen.Int.Sample(
            seed =>
            {
                var random = new Random(seed);
                var mutated = DerMutations.Mutate(random, der, allowTruncation: false);
                if (mutated.AsSpan().SequenceEqual(der))
                {
                    return;
                }

                var checks = Verify(evidence, mutated, authority, signingTime, requireSct);
                if (checks is not null)
                {
                    Interlocked.Increment(ref parsedAndChecked);
                    Assert.False(CheckResults.AllPassed(checks), string.Join("; ", checks.Select(check => $"{check.Step}:{check.ReasonCode}")));
                }
            },
            iter: 5_000);

        Assert.True(parsedAndChecked > 500, $"only {parsedAndChecked} damaged leaves got past parsing");
    }

    // The certificate checks of a keyless layer whose annotation carries der; null when the annotation itself is refused.
    private static IReadOnlyList<CheckResult>? Verify(CertificateStep evidence, byte[] der, IdentitySigner authority, DateTimeOffset signingTime, bool requireSct)
    {
        var pem = new string(PemEncoding.Write("CERTIFICATE", der));
        var parse = LeafCertificateSteps.Parse(AnnotationValue.FromText(pem), out var leaf);
        if (!parse.Passed)
        {
            Assert.Equal(ClassicReasons.CertificateInvalid, parse.ReasonCode);
            return null;
        }

        using (leaf)
        {
            return evidence.VerifyLeaf(authority, leaf!, null, signingTime, requireSct).Checks;
        }
    }
}
