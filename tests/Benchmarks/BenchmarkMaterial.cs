using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Verifier;
using ImageTrust.Verification;

namespace ImageTrust.Benchmarks;

/// <summary>
/// Pre-fetched verification material (no I/O during a benchmark): a key-based classic signature with a Rekor SET made here,
/// and the keyless classic signature of the committed fixture <c>keyless-v2-issuer</c> (openssl CA, Rekor SET).
/// </summary>
internal sealed class BenchmarkMaterial : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("imagetrust-bench-").FullName;

    public BenchmarkMaterial()
    {
        // Key-based: a P-256 signer, a P-256 Rekor log, a hashedrekord entry and its SET.
        Signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rekor = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        KeyImageDigest = Digest.Sha256Of("benchmark image manifest"u8);
        KeyPayload = Encoding.UTF8.GetBytes(
            $$$"""{"critical":{"identity":{"docker-reference":"europe-docker.pkg.dev/p/r/app"},"image":{"docker-manifest-digest":"{{{KeyImageDigest}}}"},"type":"cosign container image signature"},"optional":null}""");
        KeySignature = Signer.SignData(KeyPayload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var signerPem = Signer.ExportSubjectPublicKeyInfoPem();
        var hashedRekord = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\"sha256\",\"value\":\""
            + Convert.ToHexStringLower(SHA256.HashData(KeyPayload))
            + "\"}},\"signature\":{\"content\":\"" + Convert.ToBase64String(KeySignature)
            + "\",\"publicKey\":{\"content\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(signerPem)) + "\"}}}}";
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes(hashedRekord));
        var logId = Convert.ToHexStringLower(SHA256.HashData(rekor.ExportSubjectPublicKeyInfo()));
        var integratedTime = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds();
        var canonical = string.Create(CultureInfo.InvariantCulture, $"{{\"body\":\"{body}\",\"integratedTime\":{integratedTime},\"logID\":\"{logId}\",\"logIndex\":12345}}");
        var set = rekor.SignData(Encoding.UTF8.GetBytes(canonical), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var bundle = "{\"SignedEntryTimestamp\":\"" + Convert.ToBase64String(set) + "\",\"Payload\":{\"body\":\"" + body
            + "\",\"integratedTime\":" + integratedTime.ToString(CultureInfo.InvariantCulture) + ",\"logIndex\":12345,\"logID\":\"" + logId + "\"}}";
        var rekorPath = Path.Combine(_directory, "rekor.pub");
        File.WriteAllText(rekorPath, rekor.ExportSubjectPublicKeyInfoPem());
        KeyManifest = SignatureManifestJson(Digest.Sha256Of(KeyPayload), KeyPayload.Length, new Dictionary<string, string>
        {
            [CosignAnnotations.Signature] = Convert.ToBase64String(KeySignature),
            [CosignAnnotations.Bundle] = bundle,
        });
        KeyManifestWithoutTlog = SignatureManifestJson(Digest.Sha256Of(KeyPayload), KeyPayload.Length, new Dictionary<string, string>
        {
            [CosignAnnotations.Signature] = Convert.ToBase64String(KeySignature),
        });
        KeyRule = Rule(new KeyAuthority("release", signerPem, null, new TrustMaterialSource(null, null, rekorPath, null, null)), requireTlog: true, requireSct: true);
        KeyRuleWithoutTlog = Rule(new KeyAuthority("release", signerPem, null, null), requireTlog: false, requireSct: true);

        // Keyless: the committed fixture keyless-v2-issuer, signed by an independent openssl-made CA and Rekor key.
        var fixtures = FindFixtures();
        var repository = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(fixtures, "registry/repositories.json")))
            .RootElement.GetProperty("repositories").GetProperty("keyless/v2-issuer");
        KeylessImageDigest = Digest.Parse("sha256:cce308b47d843613c3828c636aa8416b5729498f24d114d75222b7c2dd2f5732");
        var sigManifestDigest = repository.GetProperty("tags").GetProperty(KeylessImageDigest.ToTagPrefix() + ".sig").GetString()!;
        KeylessManifest = ReadBlob(fixtures, sigManifestDigest);
        var layer = SignatureManifest.Parse(KeylessManifest).Layers[0];
        KeylessPayload = ReadBlob(fixtures, layer.PayloadDigest.ToString());
        var keys = Path.Combine(fixtures, "keys/keyless");
        KeylessRule = Rule(
            new KeylessAuthority(
                "ci",
                StringMatcher.ExactValue("https://github.com/example/app/.github/workflows/release.yml@refs/heads/main"),
                StringMatcher.ExactValue("https://token.actions.example.com"),
                new TrustMaterialSource(
                    Path.Combine(keys, "TEST-ONLY-fulcio-root.crt.pem"),
                    Path.Combine(keys, "TEST-ONLY-fulcio-intermediate.crt.pem"),
                    Path.Combine(keys, "TEST-ONLY-rekor.pub.pem"),
                    null,
                    null)),
            requireTlog: true,
            requireSct: false);
    }

    public ECDsa Signer { get; }

    public Digest KeyImageDigest { get; }

    public byte[] KeyPayload { get; }

    public byte[] KeySignature { get; }

    public byte[] KeyManifest { get; }

    public byte[] KeyManifestWithoutTlog { get; }

    public PolicyRule KeyRule { get; }

    public PolicyRule KeyRuleWithoutTlog { get; }

    public Digest KeylessImageDigest { get; }

    public byte[] KeylessManifest { get; }

    public byte[] KeylessPayload { get; }

    public PolicyRule KeylessRule { get; }

    /// <summary>The cosign v3-style image: its digest, and the Sigstore bundle its referrer carries (sigstore-js with @sigstore/mock).</summary>
    public Digest BundleImageDigest { get; } = Digest.Parse("sha256:34881098ef4a138b28719b953ac527a22c850431bda981ec8196e122217f583a");

    /// <summary>The bundle JSON (a DSSE sign/v1 statement, Fulcio certificate with SCT, Rekor SET and inclusion proof).</summary>
    public byte[] BundleJson { get; } = ReadReferrerBundle("sigstore-js/keyless-signed", "sha256:34881098ef4a138b28719b953ac527a22c850431bda981ec8196e122217f583a");

    /// <summary>The rule the bundle verifies under: the CI identity, trust from the mock instance's trusted_root.json.</summary>
    public PolicyRule BundleRule { get; } = Rule(
        new KeylessAuthority(
            "ci",
            StringMatcher.ExactValue("https://github.com/example/app/.github/workflows/sign.yml@refs/heads/main"),
            StringMatcher.ExactValue("https://token.actions.example.com"),
            new TrustMaterialSource(null, null, null, null, Path.Combine(FindFixtures(), "keys", "sigstore-js", "TEST-ONLY-trusted_root.json"))),
        requireTlog: true,
        requireSct: true);

    /// <summary>A public-good Fulcio leaf with an embedded SCT (sigstore-conformance happy-path-v0.3), in DER.</summary>
    public byte[] FulcioLeaf { get; } = ReadFulcioLeaf();

    /// <summary>When the conformance case's entry was integrated (the leaf is valid then).</summary>
    public DateTimeOffset FulcioLeafIntegratedTime { get; } = DateTimeOffset.FromUnixTimeSeconds(
        long.Parse(ReadFulcioBundle().GetProperty("tlogEntries")[0].GetProperty("integratedTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose()
    {
        Signer.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static PolicyRule Rule(Authority authority, bool requireTlog, bool requireSct)
        => new("bench", [RepositoryGlob.Parse("**")], [authority], 1, requireTlog, requireSct, EnforcementMode.Enforce, null, MultiArchRequirement.Index, SignatureFormats.Classic, [], null);

    private static byte[] SignatureManifestJson(Digest payloadDigest, int size, Dictionary<string, string> annotations)
    {
        var annotationJson = string.Join(",", annotations.Select(pair => $"{JsonSerializer.Serialize(pair.Key, BenchmarkJsonContext.Default.String)}:{JsonSerializer.Serialize(pair.Value, BenchmarkJsonContext.Default.String)}"));
        return Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{{{new string('0', 64)}}}","size":0},"layers":[{"mediaType":"{{{CosignMediaTypes.SimpleSigning}}}","digest":"{{{payloadDigest}}}","size":{{{size}}},"annotations":{{{{annotationJson}}}}}]}""");
    }

    // The bundle layer of the referrer found through the sha256-<hex> fallback index of the image.
    private static byte[] ReadReferrerBundle(string repository, string imageDigest)
    {
        var fixtures = FindFixtures();
        var tags = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(fixtures, "registry/repositories.json")))
            .RootElement.GetProperty("repositories").GetProperty(repository).GetProperty("tags");
        var index = JsonDocument.Parse(ReadBlob(fixtures, tags.GetProperty(Digest.Parse(imageDigest).ToTagPrefix()).GetString()!)).RootElement;
        var referrer = JsonDocument.Parse(ReadBlob(fixtures, index.GetProperty("manifests")[0].GetProperty("digest").GetString()!)).RootElement;
        return ReadBlob(fixtures, referrer.GetProperty("layers")[0].GetProperty("digest").GetString()!);
    }

    private static JsonElement ReadFulcioBundle()
    {
        var path = Path.Combine(FindFixtures(), "..", "Shared.Tests", "Conformance", "vectors", "sigstore-bundle-verify", "happy-path-v0.3", "bundle.sigstore.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.GetProperty("verificationMaterial").Clone();
    }

    private static byte[] ReadFulcioLeaf() => ReadFulcioBundle().GetProperty("certificate").GetProperty("rawBytes").GetBytesFromBase64();

    private static byte[] ReadBlob(string fixtures, string digest)
        => File.ReadAllBytes(Path.Combine(fixtures, "registry/blobs/sha256", digest["sha256:".Length..]));

    private static string FindFixtures()
    {
        var directory = Environment.GetEnvironmentVariable("IMAGETRUST_FIXTURES") is { Length: > 0 } configured
            ? new DirectoryInfo(configured)
            : null;
        if (directory is not null)
        {
            return directory.FullName;
        }

        for (var current = new DirectoryInfo(AppContext.BaseDirectory); current is not null; current = current.Parent)
        {
            var candidate = Path.Combine(current.FullName, "tests", "Fixtures");
            if (File.Exists(Path.Combine(candidate, "catalog.json")))
            {
                return candidate;
            }
        }

        for (var current = new DirectoryInfo(Environment.CurrentDirectory); current is not null; current = current.Parent)
        {
            var candidate = Path.Combine(current.FullName, "tests", "Fixtures");
            if (File.Exists(Path.Combine(candidate, "catalog.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/Fixtures not found; set IMAGETRUST_FIXTURES");
    }

    /// <summary>Resolves a rule's authorities synchronously (PEM keys only: no I/O).</summary>
    public static IReadOnlyList<Signer> Resolve(PolicyRule rule)
        => new AuthorityResolver().ResolveAsync(rule).GetAwaiter().GetResult();
}
