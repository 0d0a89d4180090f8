using System.Security.Cryptography;
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
}
