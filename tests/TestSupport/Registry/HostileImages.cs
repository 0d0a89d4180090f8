using System.Security.Cryptography;
using System.Text;

namespace ImageTrust.TestSupport.Registry;

/// <summary>
/// The hostile images of issue 10, written into a <see cref="ScriptedOciRegistry"/>: plain images, referrers listing
/// thousands of identical bundle layers, and an index naming a sha512 platform manifest.
/// </summary>
public static class HostileImages
{
    /// <summary>The Sigstore bundle v0.3 media type cosign v3 writes on a referrer's layer.</summary>
    public const string BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private const string EmptyConfig = """{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}""";

    private static readonly byte[] ConfigBytes = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");

    /// <summary>The manifest JSON of <see cref="PushImage"/>'s image.</summary>
    public static string ImageJson()
        => $$$"""{"schemaVersion":2,"mediaType":"{{{RegistryContentWriter.OciManifestMediaType}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{ScriptedOciRegistry.Sha256Of(ConfigBytes)}}}","size":{{{ConfigBytes.Length}}}},"layers":[]}""";

    /// <summary>Pushes an image (its config and manifest) under <paramref name="tag"/>; returns its digest.</summary>
    public static string PushImage(ScriptedOciRegistry registry, string repository, string tag)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.PutBlob(repository, ConfigBytes);
        return registry.PutManifest(repository, tag, ImageJson());
    }

    /// <summary>
    /// Serves, through the referrers API, <paramref name="referrers"/> distinct referrers of <paramref name="subject"/>, each
    /// listing <paramref name="layersEach"/> copies of one bundle layer; returns the bundle blob's digest.
    /// </summary>
    public static string PushReferrersOfIdenticalBundles(ScriptedOciRegistry registry, string repository, string subject, int referrers, int layersEach)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.ReferrersApi = true;
        var bundle = registry.PutBlob(repository, Encoding.UTF8.GetBytes("{\"mediaType\":\"" + BundleMediaType + "\"}"));
        var layer = $$"""{"mediaType":"{{BundleMediaType}}","digest":"{{bundle}}","size":10}""";
        var layers = string.Join(",", Enumerable.Repeat(layer, layersEach));
        var entries = new List<string>();
        for (var i = 0; i < referrers; i++)
        {
            var referrer = registry.PutManifest(
                repository,
                null,
                $$$"""{"schemaVersion":2,"mediaType":"{{{RegistryContentWriter.OciManifestMediaType}}}","artifactType":"{{{BundleMediaType}}}","config":{{{EmptyConfig}}},"layers":[{{{layers}}}],"subject":{"mediaType":"{{{RegistryContentWriter.OciManifestMediaType}}}","digest":"{{{subject}}}","size":1},"annotations":{"n":"{{{i}}}"}}""");
            entries.Add($$"""{"mediaType":"{{RegistryContentWriter.OciManifestMediaType}}","artifactType":"{{BundleMediaType}}","digest":"{{referrer}}","size":1}""");
        }

        registry.PutReferrers(repository, subject, $$"""{"schemaVersion":2,"mediaType":"{{RegistryContentWriter.OciIndexMediaType}}","manifests":[{{string.Join(",", entries)}}]}""");
        return bundle;
    }

    /// <summary>
    /// Pushes an index of <paramref name="amd64"/> and an arm64 platform named by a sha512 digest; returns the index's digest
    /// and that platform digest.
    /// </summary>
    public static (string Index, string Sha512Platform) PushIndexWithSha512Platform(ScriptedOciRegistry registry, string repository, string tag, string amd64)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var arm64 = "sha512:" + Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes("arm64 " + repository)));
        var index = registry.PutManifest(
            repository,
            tag,
            $$$"""{"schemaVersion":2,"mediaType":"{{{RegistryContentWriter.OciIndexMediaType}}}","manifests":[{"mediaType":"{{{RegistryContentWriter.OciManifestMediaType}}}","digest":"{{{amd64}}}","size":1,"platform":{"os":"linux","architecture":"amd64"}},{"mediaType":"{{{RegistryContentWriter.OciManifestMediaType}}}","digest":"{{{arm64}}}","size":1,"platform":{"os":"linux","architecture":"arm64"}}]}""",
            RegistryContentWriter.OciIndexMediaType);
        return (index, arm64);
    }
}
