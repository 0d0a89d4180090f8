using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.TestSupport.Sigstore;

namespace ImageTrust.Shared.Tests.Verification;

/// <summary>
/// Images signed by the in-process <see cref="TestSigstore"/> (real keys, certificates, log entries, SETs, proofs and
/// timestamps) in an <see cref="InMemoryRegistryClient"/>, and the policy authorities that trust it.
/// </summary>
internal sealed class SigstoreImages : IDisposable
{
    /// <summary>The cosign v3 image-signature predicate.</summary>
    public const string CosignSignPredicate = "https://sigstore.dev/cosign/sign/v1";

    public SigstoreImages(InMemoryRegistryClient registry)
    {
        Registry = registry;
    }

    public InMemoryRegistryClient Registry { get; }

    public TestSigstore Sigstore { get; } = new();

    /// <summary>A key authority whose Rekor proofs are checked against the test log.</summary>
    public KeyAuthority KeyAuthority(string name, ECDsa key)
        => new(name, key.ExportSubjectPublicKeyInfoPem(), null, new TrustMaterialSource(null, null, Sigstore.RekorPublicKeyPath, null, null));

    /// <summary>A keyless authority trusting the test CA, log and CT log (cosign's PEM flags).</summary>
    public KeylessAuthority Keyless(string name, string identity, string issuer = TestSigstore.DefaultIssuer)
        => new(name, StringMatcher.ExactValue(identity), StringMatcher.ExactValue(issuer), new TrustMaterialSource(Sigstore.CaRootsPath, Sigstore.CaIntermediatesPath, Sigstore.RekorPublicKeyPath, Sigstore.CtLogPublicKeyPath, null));

    /// <summary>A keyless authority trusting the test Sigstore's <c>trusted_root.json</c> (needed for bundles' TSA timestamps).</summary>
    public KeylessAuthority KeylessByTrustedRoot(string name, string identity, string issuer = TestSigstore.DefaultIssuer)
        => new(name, StringMatcher.ExactValue(identity), StringMatcher.ExactValue(issuer), new TrustMaterialSource(null, null, null, null, Sigstore.TrustedRootPath));

    /// <summary>Pushes a <c>.sig</c> layer signed by <paramref name="key"/> over <paramref name="payload"/>, logged at <paramref name="integratedTime"/> (none: no Rekor bundle).</summary>
    public void PushKeySigned(Digest digest, ECDsa key, string payload, DateTimeOffset? integratedTime)
        => SignedImages.PushSignatures(Registry, digest, [(payload, Sigstore.KeySignature(key, Encoding.UTF8.GetBytes(payload), integratedTime))]);

    /// <summary>A keyless <c>.sig</c> layer for <paramref name="digest"/>: a leaf for <paramref name="identity"/> valid from one minute before <paramref name="integratedTime"/>.</summary>
    public (string Payload, Dictionary<string, string> Annotations) KeylessLayer(Digest digest, string identity, DateTimeOffset integratedTime, string issuer = TestSigstore.DefaultIssuer, bool withSct = true)
    {
        var payload = SignedImages.Payload(digest);
        var (key, leaf) = Sigstore.IssueLeaf(identity, integratedTime.AddMinutes(-1), issuer, withSct);
        using (key)
        using (leaf)
        {
            return (payload, Sigstore.KeylessSignature(key, leaf, Encoding.UTF8.GetBytes(payload), integratedTime));
        }
    }

    /// <summary>A cosign v3 signature bundle of <paramref name="digest"/> by a fresh leaf for <paramref name="identity"/>, logged at <paramref name="integratedTime"/>.</summary>
    public byte[] SignatureBundle(Digest digest, string identity, DateTimeOffset integratedTime, string predicateType = CosignSignPredicate, string? subjectHex = null, DateTimeOffset? timestampAt = null, bool withSet = true)
    {
        var (key, leaf) = Sigstore.IssueLeaf(identity, integratedTime.AddMinutes(-1));
        using (key)
        using (leaf)
        {
            return Sigstore.DsseBundle(key, leaf, TestSigstore.Statement(subjectHex ?? digest.Hex, predicateType), integratedTime, timestampAt, withSet);
        }
    }

    /// <summary>Pushes <paramref name="bundle"/> as a referrer of <paramref name="subject"/> (the referrers API, or cosign's <c>sha256-…</c> fallback tag).</summary>
    public Digest PushBundleReferrer(Digest subject, byte[] bundle, string layerMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json", string? artifactType = "application/vnd.dev.sigstore.bundle.v0.3+json", bool viaReferrersApi = false)
    {
        var blob = Registry.PutBlob(SignedImages.Repository, bundle);
        var artifact = artifactType is null ? string.Empty : $"\"artifactType\":\"{artifactType}\",";
        var referrer = Registry.PutManifest(
            SignedImages.Repository,
            null,
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciManifest}}}",{{{artifact}}}"config":{"mediaType":"{{{OciMediaTypes.OciEmpty}}}","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"{{{layerMediaType}}}","digest":"{{{blob}}}","size":{{{bundle.Length}}}}],"subject":{"mediaType":"{{{OciMediaTypes.OciManifest}}}","digest":"{{{subject}}}","size":1}}""");
        var index = $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciIndex}}}","manifests":[{"mediaType":"{{{OciMediaTypes.OciManifest}}}","digest":"{{{referrer}}}","size":1}]}""";
        if (viaReferrersApi)
        {
            Registry.PutReferrers(SignedImages.Repository, subject, index);
        }
        else
        {
            Registry.PutManifest(SignedImages.Repository, subject.ToTagPrefix(), index, OciMediaTypes.OciIndex);
        }

        return blob;
    }

    /// <summary>Pushes a <c>.att</c> manifest with one DSSE layer per (envelope, annotations).</summary>
    public void PushAttestations(Digest subject, params (byte[] Envelope, Dictionary<string, string> Annotations)[] layers)
    {
        var layerJson = new List<string>();
        foreach (var (envelope, annotations) in layers)
        {
            var digest = Registry.PutBlob(SignedImages.Repository, envelope);
            var annotationJson = string.Join(",", annotations.Select(pair => $"{System.Text.Json.JsonSerializer.Serialize(pair.Key)}:{System.Text.Json.JsonSerializer.Serialize(pair.Value)}"));
            layerJson.Add($$$"""{"mediaType":"application/vnd.dsse.envelope.v1+json","digest":"{{{digest}}}","size":{{{envelope.Length}}},"annotations":{{{{annotationJson}}}}}""");
        }

        Registry.PutManifest(
            SignedImages.Repository,
            subject.ToTagPrefix() + ".att",
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciManifest}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{{{new string('0', 64)}}}","size":0},"layers":[{{{string.Join(",", layerJson)}}}]}""");
    }

    /// <summary>A classic <c>.att</c> layer of <paramref name="statement"/> by a fresh leaf for <paramref name="identity"/>, logged at <paramref name="integratedTime"/>.</summary>
    public (byte[] Envelope, Dictionary<string, string> Annotations) KeylessAttestation(string identity, byte[] statement, DateTimeOffset integratedTime)
    {
        var (key, leaf) = Sigstore.IssueLeaf(identity, integratedTime.AddMinutes(-1));
        using (key)
        using (leaf)
        {
            return Sigstore.Attestation(key, leaf, statement, integratedTime);
        }
    }

    public void Dispose() => Sigstore.Dispose();

    /// <summary>A leaf of another CA, with that CA's chain: what an attacker's own "Fulcio" issues.</summary>
    public static (ECDsa Key, X509Certificate2 Leaf, string ChainPem) ForeignLeaf(string identity, DateTimeOffset notBefore)
    {
        using var attacker = new TestCertificateAuthority("test-fulcio", TestSigstore.ValidFrom, TestSigstore.ValidUntil);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (key, attacker.IssueLeaf(key, identity, TestSigstore.DefaultIssuer, notBefore), attacker.ChainPem);
    }
}
