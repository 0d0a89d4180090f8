using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Registry;
using ImageTrust.Signing.Classic;

namespace ImageTrust.Shared.Tests.Verification;

/// <summary>Builds images and cosign-style classic signatures in an <see cref="InMemoryRegistryClient"/>.</summary>
internal static class SignedImages
{
    public const string Repository = "registry.example.com/team/app";

    public static Digest PushImage(InMemoryRegistryClient registry, string tag = "1.0", string repository = Repository, string salt = "")
        => registry.PushImageManifest(tag, repository, salt);

    public static Digest PushImageManifest(this InMemoryRegistryClient registry, string tag, string repository, string salt)
    {
        var config = registry.PutBlob(repository, Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"" + salt + "}"));
        return registry.PutManifest(repository, tag, $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciManifest}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{config}}}","size":2},"layers":[]}""");
    }

    public static string Payload(Digest digest, string reference = Repository, string type = CosignMediaTypes.SignatureType)
        => $$$"""{"critical":{"identity":{"docker-reference":"{{{reference}}}"},"image":{"docker-manifest-digest":"{{{digest}}}"},"type":"{{{type}}}"},"optional":null}""";

    public static string SignBase64(ECDsa key, string payload)
        => Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(payload), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    public static string Bundle(string logId = "good", long integratedTime = 1_700_000_000, long logIndex = 42)
        => $$$"""{"SignedEntryTimestamp":"{{{Convert.ToBase64String([1, 2, 3])}}}","Payload":{"body":"e30=","integratedTime":{{{integratedTime}}},"logIndex":{{{logIndex}}},"logID":"{{{logId}}}"}}""";

    /// <summary>Pushes a <c>.sig</c> manifest with one layer per (payload, annotations).</summary>
    public static void PushSignatures(InMemoryRegistryClient registry, Digest subject, IEnumerable<(string Payload, Dictionary<string, string> Annotations)> layers, string repository = Repository)
    {
        var layerJson = new List<string>();
        foreach (var (payload, annotations) in layers)
        {
            var bytes = Encoding.UTF8.GetBytes(payload);
            var digest = registry.PutBlob(repository, bytes);
            var annotationJson = string.Join(",", annotations.Select(pair => $"{JsonSerializer.Serialize(pair.Key)}:{JsonSerializer.Serialize(pair.Value)}"));
            layerJson.Add($$$"""{"mediaType":"{{{CosignMediaTypes.SimpleSigning}}}","digest":"{{{digest}}}","size":{{{bytes.Length}}},"annotations":{{{{annotationJson}}}}}""");
        }

        registry.PutManifest(
            repository,
            subject.ToTagPrefix() + ".sig",
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciManifest}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{{{new string('0', 64)}}}","size":0},"layers":[{{{string.Join(",", layerJson)}}}]}""");
    }

    public static Dictionary<string, string> KeyAnnotations(ECDsa key, string payload, string? bundle = null)
    {
        var annotations = new Dictionary<string, string> { [CosignAnnotations.Signature] = SignBase64(key, payload) };
        if (bundle is not null)
        {
            annotations[CosignAnnotations.Bundle] = bundle;
        }

        return annotations;
    }

    public static PolicyRule Rule(IReadOnlyList<Authority> authorities, int threshold = 1, bool requireTlog = true, MultiArchRequirement multiArch = MultiArchRequirement.Index, SignatureFormats formats = SignatureFormats.Any)
        => new("test", [RepositoryGlob.Parse("registry.example.com/**")], authorities, threshold, requireTlog, true, EnforcementMode.Enforce, null, multiArch, formats, [], null);

    public static KeyAuthority KeyAuthority(string name, ECDsa key) => new(name, key.ExportSubjectPublicKeyInfoPem(), null);

    public static KeylessAuthority Keyless(string name, string identity, string issuer = "https://accounts.example.com")
        => new(name, StringMatcher.ExactValue(identity), StringMatcher.ExactValue(issuer), new TrustMaterialSource(null, null, null, null, null));

    /// <summary>A short-lived leaf with an email SAN, valid [notBefore, notBefore + 10 min].</summary>
    public static (ECDsa Key, string CertificatePem) Leaf(string email, DateTimeOffset notBefore)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sigstore", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddEmailAddress(email);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        using var certificate = request.CreateSelfSigned(notBefore, notBefore.AddMinutes(10));
        return (key, certificate.ExportCertificatePem());
    }
}
