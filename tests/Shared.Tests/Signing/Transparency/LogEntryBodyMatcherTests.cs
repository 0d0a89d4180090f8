using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CsCheck;
using ImageTrust.Shared.Tests.Signing.Classic;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Transparency;

namespace ImageTrust.Shared.Tests.Signing.Transparency;

public sealed class LogEntryBodyMatcherTests
{
    [Fact]
    public void Verify_ArbitraryHashedRekordBodies_SameAsStringMatching()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=leaf", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1));
        var payloadHash = SHA256.HashData("payload"u8);
        var signature = key.SignHash(payloadHash, DSASignatureFormat.Rfc3279DerSequence);
        var spki = key.ExportSubjectPublicKeyInfo();
        var keyPem = key.ExportSubjectPublicKeyInfoPem();
        var certificatePem = certificate.ExportCertificatePem();
        ExpectedLogContent[] expectations =
        [
            new(signature, null, spki, payloadHash, null),
            new(signature, certificate.RawData, null, payloadHash, null),
        ];

        var (passed, details) = CompareWithOracle(expectations, json =>
        {
            var hex = Convert.ToHexStringLower(payloadHash);
            var hash = json.Object([
                ("algorithm", json.Text(JsonFragments.Pick(json.Random, "sha256", "sha256", "SHA256", "sha512"))),
                ("value", json.Text(JsonFragments.Pick(json.Random, hex, hex.ToUpperInvariant(), hex[..^1] + "0", hex[..10], "zz" + hex[2..]))),
            ]);
            var publicKey = json.Object([
                ("content", json.Text(JsonFragments.Pick(
                    json.Random,
                    Base64(keyPem),
                    Base64(certificatePem),
                    Base64(keyPem.Replace("PUBLIC KEY", "PRIVATE KEY", StringComparison.Ordinal)),
                    Base64("garbage"),
                    Convert.ToBase64String([0xFF, 0xFE, 0x2D]),
                    "not base64!",
                    Base64(keyPem)[..8] + "\\n" + Base64(keyPem)[8..]))),
            ]);
            var signatureJson = json.Object([
                ("content", json.Text(JsonFragments.Pick(json.Random, Convert.ToBase64String(signature), Convert.ToBase64String(signature[..^1]), "!!", Convert.ToBase64String(signature)[..4] + "\\r\\n" + Convert.ToBase64String(signature)[4..]))),
                ("publicKey", publicKey),
            ]);
            var spec = json.Object([("data", json.Object([("hash", hash)])), ("signature", signatureJson)]);
            var body = json.Object([
                ("apiVersion", json.Text(JsonFragments.Pick(json.Random, "0.0.1", "0.0.1", "0.0.2"))),
                ("kind", json.Text(JsonFragments.Pick(json.Random, "hashedrekord", "hashedrekord", "intoto"))),
                ("spec", spec),
            ]);
            return body;
        });

        // The samples reach a match and every kind of mismatch, not only malformed bodies.
        Assert.True(passed > 0, "no sample matched");
        Assert.Contains("the entry's artifact digest differs", details);
        Assert.Contains("the entry's signature differs", details);
        Assert.Contains("the entry's key or certificate differs", details);
        Assert.Contains("the entry body is malformed", details);
    }

    [Fact]
    public void Verify_ArbitraryDsseBodies_SameAsStringMatching()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=leaf", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1));
        var payload = "{\"_type\":\"https://in-toto.io/Statement/v1\"}"u8.ToArray();
        var signature = key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var envelope = new DsseEnvelope(DsseEnvelope.InTotoPayloadType, payload, [new DsseSignature(signature, null)]);
        var keyPem = key.ExportSubjectPublicKeyInfoPem();
        var certificatePem = certificate.ExportCertificatePem();
        ExpectedLogContent[] expectations =
        [
            new(signature, null, key.ExportSubjectPublicKeyInfo(), null, envelope),
            new(signature, certificate.RawData, null, null, envelope),
            new(signature, certificate.RawData, null, SHA256.HashData(payload), null),
        ];

        var (passed, details) = CompareWithOracle(expectations, json =>
        {
            var hex = Convert.ToHexStringLower(SHA256.HashData(payload));
            var payloadHash = json.Object([
                ("algorithm", json.Text(JsonFragments.Pick(json.Random, "sha256", "sha256", "SHA256", "sha512"))),
                ("value", json.Text(JsonFragments.Pick(json.Random, hex, hex.ToUpperInvariant(), hex[..^1] + "0", hex[..10]))),
            ]);
            string SignatureEntry() => json.Object([
                ("signature", json.Text(JsonFragments.Pick(json.Random, Convert.ToBase64String(signature), Convert.ToBase64String(signature), Convert.ToBase64String(signature[..^1]), "!!", Convert.ToBase64String(signature)[..4] + "\\n" + Convert.ToBase64String(signature)[4..]))),
                ("verifier", json.Text(JsonFragments.Pick(json.Random, Base64(certificatePem), Base64(keyPem), Base64("garbage"), Convert.ToBase64String([0xFF, 0xFE, 0x2D]), "not base64!"))),
            ]);
            var signatures = "[" + string.Join(",", Enumerable.Range(0, json.Random.Next(3)).Select(_ => SignatureEntry())) + "]";
            var spec = json.Object([("payloadHash", payloadHash), ("signatures", signatures)]);
            var body = json.Object([
                ("apiVersion", json.Text(JsonFragments.Pick(json.Random, "0.0.1", "0.0.1", "0.0.2"))),
                ("kind", json.Text(JsonFragments.Pick(json.Random, "dsse", "dsse", "intoto"))),
                ("spec", spec),
            ]);
            return body;
        });

        Assert.True(passed > 0, "no sample matched");
        Assert.Contains("the entry's payload hash differs", details);
        Assert.Contains("no signature in the entry matches the envelope's signature and certificate", details);
        Assert.Contains("a dsse entry records an envelope, not a message signature", details);
        Assert.Contains("the entry body is malformed", details);
    }

    [Fact]
    public void Verify_ArbitraryIntotoBodies_SameAsStringMatching()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=leaf", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1));
        var payload = "{\"_type\":\"https://in-toto.io/Statement/v1\"}"u8.ToArray();
        var signature = key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var envelope = new DsseEnvelope(DsseEnvelope.InTotoPayloadType, payload, [new DsseSignature(signature, null)]);
        var certificatePem = certificate.ExportCertificatePem();
        ExpectedLogContent[] expectations =
        [
            new(signature, certificate.RawData, null, null, envelope),
            new(signature, null, key.ExportSubjectPublicKeyInfo(), null, envelope),
            new(signature, certificate.RawData, null, SHA256.HashData(payload), null),
        ];

        // intoto 0.0.2 logs base64 of the base64 payload and signature, and base64 of the PEM verifier.
        static string Twice(byte[] bytes) => Base64(Convert.ToBase64String(bytes));
        var (passed, details) = CompareWithOracle(expectations, json =>
        {
            var hex = Convert.ToHexStringLower(SHA256.HashData(payload));
            var payloadHash = json.Object([
                ("algorithm", json.Text(JsonFragments.Pick(json.Random, "sha256", "sha256", "SHA256"))),
                ("value", json.Text(JsonFragments.Pick(json.Random, hex, hex.ToUpperInvariant(), hex[..^1] + "0"))),
            ]);
            string SignatureEntry() => json.Object([
                ("sig", json.Text(JsonFragments.Pick(json.Random, Twice(signature), Twice(signature), Twice(signature[..^1]), Base64("!!"), Convert.ToBase64String([0xC3, 0xA9, 0x41, 0x41]), "!!"))),
                ("publicKey", json.Text(JsonFragments.Pick(json.Random, Base64(certificatePem), Base64(certificatePem), Base64("garbage"), "not base64!"))),
            ]);
            var signatures = "[" + string.Join(",", Enumerable.Range(0, json.Random.Next(3)).Select(_ => SignatureEntry())) + "]";
            var loggedEnvelope = json.Object([
                ("payloadType", json.Text(JsonFragments.Pick(json.Random, DsseEnvelope.InTotoPayloadType, DsseEnvelope.InTotoPayloadType, "text/plain"))),
                ("payload", JsonFragments.Pick(json.Random, "\"" + Twice(payload) + "\"", "\"" + Twice(payload) + "\"", "\"" + Twice(payload[..^1]) + "\"", "null", "7", "\"" + Base64("%%") + "\"")),
                ("signatures", signatures),
            ]);
            var content = json.Object([("envelope", loggedEnvelope), ("payloadHash", payloadHash)]);
            var body = json.Object([
                ("apiVersion", json.Text(JsonFragments.Pick(json.Random, "0.0.2", "0.0.2", "0.0.1"))),
                ("kind", json.Text(JsonFragments.Pick(json.Random, "intoto", "intoto", "dsse"))),
                ("spec", json.Object([("content", content)])),
            ]);
            return body;
        });

        Assert.True(passed > 0, "no sample matched");
        Assert.Contains("the entry's payload hash differs", details);
        Assert.Contains("the entry's payload type differs", details);
        Assert.Contains("the entry's payload differs", details);
        Assert.Contains("no signature in the entry matches the envelope's signature and certificate", details);
        Assert.Contains("the entry body is malformed", details);
    }

    // Rekor v1 bodies are read by Go's encoding/json (folding keys, last wins), v2 bodies by protojson (exact or proto name,
    // duplicates refused): ImageTrust reads exact names only and refuses any field two readers could see differently.
    [Theory]
    [InlineData("""{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{},"spec":{}}""", "'spec' appears more than once")]
    [InlineData("""{"apiVersion":"0.0.1","kind":"hashedrekord","Spec":{}}""", "'spec' that cosign's readers do not agree on")]
    [InlineData("""{"apiVersion":"0.0.1","\u212Aind":"x","kind":"hashedrekord","spec":{}}""", "'kind' that cosign's readers do not agree on")]
    [InlineData("""{"api_version":"0.0.2","kind":"hashedrekord","spec":{}}""", "'apiVersion' that cosign's readers do not agree on")]
    public void Verify_FieldNamedTwiceOrAmbiguously_Malformed(string body, string message)
    {
        var check = LogEntryBodyMatcher.Verify(Encoding.UTF8.GetBytes(body), new ExpectedLogContent([1], null, [2], [3], null));

        Assert.False(check.Passed);
        Assert.Equal("TLOG_ENTRY_MISMATCH", check.ReasonCode);
        Assert.Contains(message, check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_IntotoPayloadNull_MalformedNotACrash()
    {
        var payload = "{}"u8.ToArray();
        var envelope = new DsseEnvelope(DsseEnvelope.InTotoPayloadType, payload, [new DsseSignature([1], null)]);
        var hex = Convert.ToHexStringLower(SHA256.HashData(payload));
        var body = "{\"apiVersion\":\"0.0.2\",\"kind\":\"intoto\",\"spec\":{\"content\":{\"envelope\":{\"payloadType\":\"" + DsseEnvelope.InTotoPayloadType
            + "\",\"payload\":null,\"signatures\":[]},\"payloadHash\":{\"algorithm\":\"sha256\",\"value\":\"" + hex + "\"}}}}";

        var result = LogEntryBodyMatcher.Verify(Encoding.UTF8.GetBytes(body), new ExpectedLogContent([1], null, null, null, envelope));

        Assert.False(result.Passed);
        Assert.StartsWith("the entry body is malformed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_MatchingKeyBasedBody_Passes()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var payloadHash = SHA256.HashData("payload"u8);
        var signature = key.SignHash(payloadHash, DSASignatureFormat.Rfc3279DerSequence);
        var body = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\"sha256\",\"value\":\"" + Convert.ToHexStringLower(payloadHash)
            + "\"}},\"signature\":{\"content\":\"" + Convert.ToBase64String(signature) + "\",\"publicKey\":{\"content\":\"" + Base64(key.ExportSubjectPublicKeyInfoPem()) + "\"}}}}";

        var result = LogEntryBodyMatcher.Verify(Encoding.UTF8.GetBytes(body), new ExpectedLogContent(signature, null, key.ExportSubjectPublicKeyInfo(), payloadHash, null));

        Assert.True(result.Passed, result.Detail);
        Assert.Equal("hashedrekord/0.0.1", result.Detail);
    }

    // Generated bodies (a third well-formed, the rest shuffled, repeated and broken by JsonFragments) through the matcher and
    // the string oracle, which must agree; returns how many matched and which kinds of detail were seen.
    private static (int Passed, ICollection<string> Details) CompareWithOracle(IReadOnlyList<ExpectedLogContent> expectations, Func<BodyJson, string> generate)
    {
        var passed = 0;
        var details = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        Gen.Int.Sample(seed =>
        {
            var json = new BodyJson(new Random(seed));
            var body = generate(json);
            var bytes = json.Clean ? Encoding.UTF8.GetBytes(body) : JsonFragments.Bytes(json.Random, body);
            var expected = expectations[json.Random.Next(expectations.Count)];

            var actual = LogEntryBodyMatcher.Verify(bytes, expected);

            Assert.Equal(StringLogEntryBodyMatcherOracle.Verify(bytes, expected), actual);
            Interlocked.Add(ref passed, actual.Passed ? 1 : 0);
            details.TryAdd(actual.Detail.Split(':')[0], 0);
        }, iter: 20_000);
        return (passed, details.Keys);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    // One sample's JSON writer: clean samples are plain JSON, the others go through JsonFragments' variations.
    private sealed class BodyJson(Random random)
    {
        public Random Random { get; } = random;

        public bool Clean { get; } = random.Next(3) == 0;

        public string Text(string value) => Clean ? "\"" + value + "\"" : JsonFragments.String(Random, value);

        public string Object(IReadOnlyList<(string Name, string Value)> properties) =>
            Clean ? "{" + string.Join(",", properties.Select(property => $"\"{property.Name}\":{property.Value}")) + "}" : JsonFragments.Object(Random, properties);
    }
}
