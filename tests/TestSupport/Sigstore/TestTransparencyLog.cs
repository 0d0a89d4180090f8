using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageTrust.TestSupport.Sigstore;

/// <summary>
/// A Rekor-like transparency log, written from the Rekor and RFC 6962/9162 documentation: entries with hashedrekord,
/// intoto and dsse bodies (canonical JSON), signed entry timestamps over <c>{body, integratedTime, logID, logIndex}</c>
/// (RFC 8785), a Merkle tree with inclusion proofs, and checkpoints signed as notes by the log key.
/// </summary>
internal sealed class TestTransparencyLog : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly List<byte[]> _leaves = [];

    /// <summary>Creates the log, named after <paramref name="host"/> in its checkpoints.</summary>
    public TestTransparencyLog(string host = "rekor.test")
    {
        Host = host;
    }

    /// <summary>The log's host (its checkpoints' origin and signature name).</summary>
    public string Host { get; }

    /// <summary>The base URL a trusted root names the log by.</summary>
    public string BaseUrl => "https://" + Host;

    /// <summary>The log's DER public key.</summary>
    public byte[] PublicKey => _key.ExportSubjectPublicKeyInfo();

    /// <summary>The log's PEM public key.</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The log id: SHA-256 of the DER public key.</summary>
    public byte[] LogId => SHA256.HashData(PublicKey);

    /// <summary>A hashedrekord 0.0.1 body: the artifact's SHA-256, the signature and the signer (PEM key or certificate).</summary>
    public static byte[] HashedRekordBody(byte[] artifactSha256, byte[] signature, string signerPem)
        => Canonical(new JsonObject
        {
            ["apiVersion"] = "0.0.1",
            ["kind"] = "hashedrekord",
            ["spec"] = new JsonObject
            {
                ["data"] = new JsonObject { ["hash"] = new JsonObject { ["algorithm"] = "sha256", ["value"] = Convert.ToHexStringLower(artifactSha256) } },
                ["signature"] = new JsonObject
                {
                    ["content"] = Convert.ToBase64String(signature),
                    ["publicKey"] = new JsonObject { ["content"] = Base64(signerPem) },
                },
            },
        });

    /// <summary>An intoto 0.0.2 body, as cosign logs a classic attestation: payload, signature and verifier base64-encoded twice.</summary>
    public static byte[] IntotoBody(string payloadType, byte[] payload, byte[] signature, string signerPem)
        => Canonical(new JsonObject
        {
            ["apiVersion"] = "0.0.2",
            ["kind"] = "intoto",
            ["spec"] = new JsonObject
            {
                ["content"] = new JsonObject
                {
                    ["envelope"] = new JsonObject
                    {
                        ["payloadType"] = payloadType,
                        ["signatures"] = new JsonArray(new JsonObject
                        {
                            ["publicKey"] = Base64(signerPem),
                            ["sig"] = Base64(Convert.ToBase64String(signature)),
                        }),
                    },
                    ["payloadHash"] = new JsonObject { ["algorithm"] = "sha256", ["value"] = Convert.ToHexStringLower(SHA256.HashData(payload)) },
                },
            },
        });

    /// <summary>A dsse 0.0.1 body, as a Sigstore bundle's DSSE entry: payload hash, signature and verifier.</summary>
    public static byte[] DsseBody(byte[] envelopeJson, byte[] payload, byte[] signature, string signerPem)
        => Canonical(new JsonObject
        {
            ["apiVersion"] = "0.0.1",
            ["kind"] = "dsse",
            ["spec"] = new JsonObject
            {
                ["envelopeHash"] = new JsonObject { ["algorithm"] = "sha256", ["value"] = Convert.ToHexStringLower(SHA256.HashData(envelopeJson)) },
                ["payloadHash"] = new JsonObject { ["algorithm"] = "sha256", ["value"] = Convert.ToHexStringLower(SHA256.HashData(payload)) },
                ["signatures"] = new JsonArray(new JsonObject
                {
                    ["signature"] = Convert.ToBase64String(signature),
                    ["verifier"] = Base64(signerPem),
                }),
            },
        });

    /// <summary>Appends <paramref name="body"/>, integrated at <paramref name="integratedTime"/>, and signs its entry timestamp.</summary>
    public TestLogEntry Append(byte[] body, DateTimeOffset integratedTime)
    {
        using var document = JsonDocument.Parse(body);
        var kind = document.RootElement.GetProperty("kind").GetString()!;
        var version = document.RootElement.GetProperty("apiVersion").GetString()!;
        var index = _leaves.Count;
        _leaves.Add(body);
        var seconds = integratedTime.ToUnixTimeSeconds();
        return new TestLogEntry(index, LogId, kind, version, seconds, body, SignEntryTimestamp(body, seconds, index));
    }

    /// <summary>The signed entry timestamp of an entry: the log's signature over the RFC 8785 form of its four fields.</summary>
    public byte[] SignEntryTimestamp(byte[] body, long integratedTime, long logIndex)
    {
        var canonical = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"body\":\"{Convert.ToBase64String(body)}\",\"integratedTime\":{integratedTime},\"logID\":\"{Convert.ToHexStringLower(LogId)}\",\"logIndex\":{logIndex}}}");
        return _key.SignData(Encoding.UTF8.GetBytes(canonical), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>cosign's bundle annotation (<c>dev.sigstore.cosign/bundle</c>) for <paramref name="entry"/>.</summary>
    public static string CosignBundleAnnotation(TestLogEntry entry)
        => new JsonObject
        {
            ["SignedEntryTimestamp"] = Convert.ToBase64String(entry.SignedEntryTimestamp),
            ["Payload"] = new JsonObject
            {
                ["body"] = Convert.ToBase64String(entry.Body),
                ["integratedTime"] = entry.IntegratedTime,
                ["logIndex"] = entry.LogIndex,
                ["logID"] = Convert.ToHexStringLower(entry.LogId),
            },
        }.ToJsonString();

    /// <summary>An inclusion proof of <paramref name="entry"/> in the tree as it is now, with a signed checkpoint.</summary>
    public TestInclusionProof Prove(TestLogEntry entry)
    {
        var size = _leaves.Count;
        var leaves = _leaves.Select(LeafHash).ToArray();
        var path = new List<byte[]>();
        AuditPath((int)entry.LogIndex, leaves, path);
        var root = TreeHash(leaves);
        var note = $"{Host} - 1234\n{size}\n{Convert.ToBase64String(root)}\n";
        var signature = _key.SignData(Encoding.UTF8.GetBytes(note), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var checkpoint = $"{note}\n\u2014 {Host} {Convert.ToBase64String([.. LogId.AsSpan(0, 4), .. signature])}\n";
        return new TestInclusionProof(entry.LogIndex, size, root, path, checkpoint);
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    private static byte[] Canonical(JsonNode node) => Encoding.UTF8.GetBytes(Sorted(node)!.ToJsonString());

    // RFC 8785 orders object members by key; the values here need no other canonicalization.
    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => KeyValuePair.Create(pair.Key, Sorted(pair.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static byte[] LeafHash(byte[] leaf) => SHA256.HashData([0, .. leaf]);

    private static byte[] NodeHash(byte[] left, byte[] right) => SHA256.HashData([1, .. left, .. right]);

    // RFC 6962 §2.1: the largest power of two smaller than n splits the tree.
    private static int Split(int n)
    {
        var k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }

        return k;
    }

    private static byte[] TreeHash(ReadOnlySpan<byte[]> leaves)
    {
        if (leaves.Length == 1)
        {
            return leaves[0];
        }

        var k = Split(leaves.Length);
        return NodeHash(TreeHash(leaves[..k]), TreeHash(leaves[k..]));
    }

    // RFC 6962 §2.1.1 PATH(m, D[n]), leaf to root.
    private static void AuditPath(int m, ReadOnlySpan<byte[]> leaves, List<byte[]> path)
    {
        if (leaves.Length <= 1)
        {
            return;
        }

        var k = Split(leaves.Length);
        if (m < k)
        {
            AuditPath(m, leaves[..k], path);
            path.Add(TreeHash(leaves[k..]));
        }
        else
        {
            AuditPath(m - k, leaves[k..], path);
            path.Add(TreeHash(leaves[..k]));
        }
    }
}
