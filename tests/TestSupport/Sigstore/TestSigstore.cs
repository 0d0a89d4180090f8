using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace ImageTrust.TestSupport.Sigstore;

/// <summary>
/// An in-process Sigstore signing real material: a Fulcio-like CA, a Rekor-like log, a CT log and a TSA, with their trust
/// material written as cosign's PEM files and as a <c>trusted_root.json</c>. It signs classic cosign signatures and
/// attestations (annotations) and Sigstore bundles as cosign and sigstore-js lay them out, from their documentation, with
/// .NET's cryptography: nothing here reads or verifies with ImageTrust's own code.
/// </summary>
internal sealed class TestSigstore : IDisposable
{
    /// <summary>When every authority's certificates and keys become valid.</summary>
    public static readonly DateTimeOffset ValidFrom = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>When they stop being valid.</summary>
    public static readonly DateTimeOffset ValidUntil = new(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The OIDC issuer leaves carry unless a test names another.</summary>
    public const string DefaultIssuer = "https://accounts.example.com";

    /// <summary>The in-toto payload type.</summary>
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    private readonly string _directory = Directory.CreateTempSubdirectory("imagetrust-sigstore-").FullName;

    /// <summary>Creates the authorities and writes their trust material.</summary>
    public TestSigstore()
    {
        Fulcio = new TestCertificateAuthority("test-fulcio", ValidFrom, ValidUntil);
        File.WriteAllText(CaRootsPath, Fulcio.Root.ExportCertificatePem());
        File.WriteAllText(CaIntermediatesPath, Fulcio.Intermediate.ExportCertificatePem());
        File.WriteAllText(RekorPublicKeyPath, Rekor.PublicKeyPem);
        File.WriteAllText(CtLogPublicKeyPath, CtLog.PublicKeyPem);
        File.WriteAllText(TrustedRootPath, TrustedRootJson());
    }

    /// <summary>The certificate authority.</summary>
    public TestCertificateAuthority Fulcio { get; }

    /// <summary>The transparency log.</summary>
    public TestTransparencyLog Rekor { get; } = new();

    /// <summary>The certificate transparency log.</summary>
    public TestCertificateTransparencyLog CtLog { get; } = new();

    /// <summary>The timestamp authority.</summary>
    public TestTimestampAuthority Tsa { get; } = new(ValidFrom, ValidUntil);

    /// <summary>cosign's <c>--ca-roots</c> file.</summary>
    public string CaRootsPath => Path.Combine(_directory, "fulcio-root.pem");

    /// <summary>cosign's <c>--ca-intermediates</c> file.</summary>
    public string CaIntermediatesPath => Path.Combine(_directory, "fulcio-intermediate.pem");

    /// <summary>cosign's <c>--rekor-public-key</c> file.</summary>
    public string RekorPublicKeyPath => Path.Combine(_directory, "rekor.pub");

    /// <summary>The CT log's public key file (cosign's <c>SIGSTORE_CT_LOG_PUBLIC_KEY_FILE</c>).</summary>
    public string CtLogPublicKeyPath => Path.Combine(_directory, "ctlog.pub");

    /// <summary>A <c>trusted_root.json</c> naming every authority.</summary>
    public string TrustedRootPath => Path.Combine(_directory, "trusted_root.json");

    /// <summary>The simple-signing payload cosign signs for <paramref name="digest"/> (<c>sha256:…</c>) of <paramref name="repository"/>.</summary>
    public static byte[] SimpleSigningPayload(string digest, string repository, string type = "cosign container image signature")
        => Encoding.UTF8.GetBytes($$$"""{"critical":{"identity":{"docker-reference":"{{{repository}}}"},"image":{"docker-manifest-digest":"{{{digest}}}"},"type":"{{{type}}}"},"optional":null}""");

    /// <summary>An in-toto v1 statement about <paramref name="subjectSha256Hex"/> with <paramref name="predicateType"/>.</summary>
    public static byte[] Statement(string subjectSha256Hex, string predicateType, string predicateJson = "{}")
        => Encoding.UTF8.GetBytes($$$"""{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"image","digest":{"sha256":"{{{subjectSha256Hex}}}"}}],"predicateType":"{{{predicateType}}}","predicate":{{{predicateJson}}}}""");

    /// <summary>The DSSE pre-authentication encoding (DSSE v1 protocol).</summary>
    public static byte[] PreAuthenticationEncoding(string payloadType, byte[] payload)
        => [.. Encoding.UTF8.GetBytes($"DSSEv1 {Encoding.UTF8.GetByteCount(payloadType)} {payloadType} {payload.Length} "), .. payload];

    /// <summary>A DSSE envelope (JSON) of <paramref name="payload"/> signed by <paramref name="key"/>, and the signature.</summary>
    public static (byte[] Envelope, byte[] Signature) Envelope(ECDsa key, byte[] payload, string payloadType = InTotoPayloadType)
    {
        var signature = key.SignData(PreAuthenticationEncoding(payloadType, payload), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var envelope = new JsonObject
        {
            ["payloadType"] = payloadType,
            ["payload"] = Convert.ToBase64String(payload),
            ["signatures"] = new JsonArray(new JsonObject { ["keyid"] = string.Empty, ["sig"] = Convert.ToBase64String(signature) }),
        };
        return (Encoding.UTF8.GetBytes(envelope.ToJsonString()), signature);
    }

    /// <summary>A fresh P-256 key and a leaf for it from the CA (with an SCT), valid [<paramref name="notBefore"/>, +10 minutes].</summary>
    public (ECDsa Key, X509Certificate2 Leaf) IssueLeaf(string identity, DateTimeOffset notBefore, string issuer = DefaultIssuer, bool withSct = true)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (key, Fulcio.IssueLeaf(key, identity, issuer, notBefore, withSct ? CtLog : null));
    }

    /// <summary>
    /// The annotations of a classic key-based <c>.sig</c> layer: the signature over <paramref name="payload"/> and, when
    /// <paramref name="integratedTime"/> is given, the Rekor bundle of a hashedrekord entry logged then.
    /// </summary>
    public Dictionary<string, string> KeySignature(ECDsa key, byte[] payload, DateTimeOffset? integratedTime)
    {
        var signature = key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var annotations = new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = Convert.ToBase64String(signature) };
        if (integratedTime is { } time)
        {
            var entry = Rekor.Append(TestTransparencyLog.HashedRekordBody(SHA256.HashData(payload), signature, key.ExportSubjectPublicKeyInfoPem()), time);
            annotations["dev.sigstore.cosign/bundle"] = TestTransparencyLog.CosignBundleAnnotation(entry);
        }

        return annotations;
    }

    /// <summary>
    /// The annotations of a classic keyless <c>.sig</c> layer: the signature by <paramref name="key"/>, the leaf and chain,
    /// and the Rekor bundle of a hashedrekord entry recording the leaf, logged at <paramref name="integratedTime"/>.
    /// </summary>
    public Dictionary<string, string> KeylessSignature(ECDsa key, X509Certificate2 leaf, byte[] payload, DateTimeOffset integratedTime, bool withChain = true)
    {
        var signature = key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var entry = Rekor.Append(TestTransparencyLog.HashedRekordBody(SHA256.HashData(payload), signature, leaf.ExportCertificatePem()), integratedTime);
        var annotations = new Dictionary<string, string>
        {
            ["dev.cosignproject.cosign/signature"] = Convert.ToBase64String(signature),
            ["dev.sigstore.cosign/certificate"] = leaf.ExportCertificatePem(),
            ["dev.sigstore.cosign/bundle"] = TestTransparencyLog.CosignBundleAnnotation(entry),
        };
        if (withChain)
        {
            annotations["dev.sigstore.cosign/chain"] = Fulcio.ChainPem;
        }

        return annotations;
    }

    /// <summary>
    /// A classic <c>.att</c> layer: the DSSE envelope of <paramref name="statement"/> signed by <paramref name="key"/>, and
    /// its annotations (the certificate and chain when <paramref name="leaf"/> is given; an intoto entry's Rekor bundle when
    /// <paramref name="integratedTime"/> is).
    /// </summary>
    public (byte[] Envelope, Dictionary<string, string> Annotations) Attestation(ECDsa key, X509Certificate2? leaf, byte[] statement, DateTimeOffset? integratedTime)
    {
        var (envelope, signature) = Envelope(key, statement);
        var annotations = new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = string.Empty };
        var signerPem = leaf?.ExportCertificatePem() ?? key.ExportSubjectPublicKeyInfoPem();
        if (leaf is not null)
        {
            annotations["dev.sigstore.cosign/certificate"] = signerPem;
            annotations["dev.sigstore.cosign/chain"] = Fulcio.ChainPem;
        }

        if (integratedTime is { } time)
        {
            var entry = Rekor.Append(TestTransparencyLog.IntotoBody(InTotoPayloadType, statement, signature, signerPem), time);
            annotations["dev.sigstore.cosign/bundle"] = TestTransparencyLog.CosignBundleAnnotation(entry);
        }

        return (envelope, annotations);
    }

    /// <summary>
    /// A Sigstore bundle (v0.3) of a DSSE envelope of <paramref name="statement"/>, signed by <paramref name="key"/> (with
    /// <paramref name="leaf"/> as its certificate, or a public key hint), logged as a dsse entry at <paramref name="integratedTime"/>
    /// with its SET and inclusion proof, and with an RFC 3161 timestamp when <paramref name="timestampAt"/> is given.
    /// </summary>
    public byte[] DsseBundle(ECDsa key, X509Certificate2? leaf, byte[] statement, DateTimeOffset integratedTime, DateTimeOffset? timestampAt = null, bool withSet = true)
    {
        var (envelope, signature) = Envelope(key, statement);
        var signerPem = leaf?.ExportCertificatePem() ?? key.ExportSubjectPublicKeyInfoPem();
        var entry = Rekor.Append(TestTransparencyLog.DsseBody(envelope, statement, signature, signerPem), integratedTime);
        var material = VerificationMaterial(leaf, key, entry, withSet, signature, timestampAt);
        var bundle = new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.3+json",
            ["verificationMaterial"] = material,
            ["dsseEnvelope"] = JsonNode.Parse(envelope),
        };
        return Encoding.UTF8.GetBytes(bundle.ToJsonString());
    }

    /// <summary>A Sigstore bundle (v0.3) of a message signature over <paramref name="artifact"/>, logged as a hashedrekord entry.</summary>
    public byte[] MessageBundle(ECDsa key, X509Certificate2? leaf, byte[] artifact, DateTimeOffset integratedTime)
    {
        var signature = key.SignData(artifact, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var signerPem = leaf?.ExportCertificatePem() ?? key.ExportSubjectPublicKeyInfoPem();
        var entry = Rekor.Append(TestTransparencyLog.HashedRekordBody(SHA256.HashData(artifact), signature, signerPem), integratedTime);
        var bundle = new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.3+json",
            ["verificationMaterial"] = VerificationMaterial(leaf, key, entry, withSet: true, signature, null),
            ["messageSignature"] = new JsonObject
            {
                ["messageDigest"] = new JsonObject { ["algorithm"] = "SHA2_256", ["digest"] = Convert.ToBase64String(SHA256.HashData(artifact)) },
                ["signature"] = Convert.ToBase64String(signature),
            },
        };
        return Encoding.UTF8.GetBytes(bundle.ToJsonString());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Fulcio.Dispose();
        Rekor.Dispose();
        CtLog.Dispose();
        Tsa.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A test still holding a file: the temporary directory is left behind.
        }
    }

    private JsonObject VerificationMaterial(X509Certificate2? leaf, ECDsa key, TestLogEntry entry, bool withSet, byte[] signature, DateTimeOffset? timestampAt)
    {
        var proof = Rekor.Prove(entry);
        var tlogEntry = new JsonObject
        {
            ["logIndex"] = entry.LogIndex.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(entry.LogId) },
            ["kindVersion"] = new JsonObject { ["kind"] = entry.Kind, ["version"] = entry.KindVersion },
            ["integratedTime"] = entry.IntegratedTime.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["inclusionProof"] = new JsonObject
            {
                ["logIndex"] = proof.LogIndex.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["rootHash"] = Convert.ToBase64String(proof.RootHash),
                ["treeSize"] = proof.TreeSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["hashes"] = new JsonArray([.. proof.Hashes.Select(hash => (JsonNode)Convert.ToBase64String(hash))]),
                ["checkpoint"] = new JsonObject { ["envelope"] = proof.Checkpoint },
            },
            ["canonicalizedBody"] = Convert.ToBase64String(entry.Body),
        };
        if (withSet)
        {
            tlogEntry["inclusionPromise"] = new JsonObject { ["signedEntryTimestamp"] = Convert.ToBase64String(entry.SignedEntryTimestamp) };
        }

        var material = new JsonObject
        {
            ["tlogEntries"] = new JsonArray(tlogEntry),
        };
        if (leaf is not null)
        {
            material["certificate"] = new JsonObject { ["rawBytes"] = Convert.ToBase64String(leaf.RawData) };
        }
        else
        {
            material["publicKey"] = new JsonObject { ["hint"] = Convert.ToBase64String(SHA256.HashData(key.ExportSubjectPublicKeyInfo())) };
        }

        if (timestampAt is { } at)
        {
            material["timestampVerificationData"] = new JsonObject
            {
                ["rfc3161Timestamps"] = new JsonArray(new JsonObject { ["signedTimestamp"] = Convert.ToBase64String(Tsa.Timestamp(signature, at)) }),
            };
        }

        return material;
    }

    private string TrustedRootJson()
    {
        static JsonObject Window() => new() { ["start"] = ValidFrom.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) };
        static JsonObject Log(string baseUrl, byte[] publicKey, byte[] logId) => new()
        {
            ["baseUrl"] = baseUrl,
            ["hashAlgorithm"] = "SHA2_256",
            ["publicKey"] = new JsonObject { ["rawBytes"] = Convert.ToBase64String(publicKey), ["keyDetails"] = "PKIX_ECDSA_P256_SHA_256", ["validFor"] = Window() },
            ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(logId) },
        };
        static JsonObject Authority(string uri, params X509Certificate2[] chain) => new()
        {
            ["subject"] = new JsonObject { ["organization"] = "ImageTrust tests", ["commonName"] = uri },
            ["uri"] = "https://" + uri,
            ["certChain"] = new JsonObject { ["certificates"] = new JsonArray([.. chain.Select(certificate => (JsonNode)new JsonObject { ["rawBytes"] = Convert.ToBase64String(certificate.RawData) })]) },
            ["validFor"] = Window(),
        };

        return new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            ["tlogs"] = new JsonArray(Log(Rekor.BaseUrl, Rekor.PublicKey, Rekor.LogId)),
            ["certificateAuthorities"] = new JsonArray(Authority("fulcio.test", Fulcio.Intermediate, Fulcio.Root)),
            ["ctlogs"] = new JsonArray(Log("https://ctfe.test", CtLog.PublicKey, CtLog.LogId)),
            ["timestampAuthorities"] = new JsonArray(Authority("tsa.test", Tsa.Certificate, Tsa.Root)),
        }.ToJsonString();
    }
}
