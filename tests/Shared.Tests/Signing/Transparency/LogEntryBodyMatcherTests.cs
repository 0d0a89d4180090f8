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

        var passed = 0;
        var details = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);

            // A third of the samples are well-formed JSON (so that some match); the rest are shuffled, repeated and broken.
            var clean = random.Next(3) == 0;
            string Text(string value) => clean ? "\"" + value + "\"" : JsonFragments.String(random, value);
            string Object(IReadOnlyList<(string Name, string Value)> properties) =>
                clean ? "{" + string.Join(",", properties.Select(property => $"\"{property.Name}\":{property.Value}")) + "}" : JsonFragments.Object(random, properties);
            var hex = Convert.ToHexStringLower(payloadHash);
            var hash = Object([
                ("algorithm", Text(JsonFragments.Pick(random, "sha256", "sha256", "SHA256", "sha512"))),
                ("value", Text(JsonFragments.Pick(random, hex, hex.ToUpperInvariant(), hex[..^1] + "0", hex[..10], "zz" + hex[2..]))),
            ]);
            var publicKey = Object([
                ("content", Text(JsonFragments.Pick(
                    random,
                    Base64(keyPem),
                    Base64(certificatePem),
                    Base64(keyPem.Replace("PUBLIC KEY", "PRIVATE KEY", StringComparison.Ordinal)),
                    Base64("garbage"),
                    Convert.ToBase64String([0xFF, 0xFE, 0x2D]),
                    "not base64!",
                    Base64(keyPem)[..8] + "\\n" + Base64(keyPem)[8..]))),
            ]);
            var signatureJson = Object([
                ("content", Text(JsonFragments.Pick(random, Convert.ToBase64String(signature), Convert.ToBase64String(signature[..^1]), "!!", Convert.ToBase64String(signature)[..4] + "\\r\\n" + Convert.ToBase64String(signature)[4..]))),
                ("publicKey", publicKey),
            ]);
            var spec = Object([("data", Object([("hash", hash)])), ("signature", signatureJson)]);
            var body = Object([
                ("apiVersion", Text(JsonFragments.Pick(random, "0.0.1", "0.0.1", "0.0.2"))),
                ("kind", Text(JsonFragments.Pick(random, "hashedrekord", "hashedrekord", "intoto"))),
                ("spec", spec),
            ]);
            var bytes = clean ? Encoding.UTF8.GetBytes(body) : JsonFragments.Bytes(random, body);
            var expected = expectations[random.Next(expectations.Length)];

            var actual = LogEntryBodyMatcher.Verify(bytes, expected);
            var oracle = StringLogEntryBodyMatcherOracle.Verify(bytes, expected);

            Assert.Equal(oracle, actual);
            Interlocked.Add(ref passed, actual.Passed ? 1 : 0);
            details.TryAdd(actual.Detail.Split(':')[0], 0);
        }, iter: 20_000);

        // The samples reach a match and every kind of mismatch, not only malformed bodies.
        Assert.True(passed > 0, "no sample matched");
        Assert.Contains("the entry's artifact digest differs", details.Keys);
        Assert.Contains("the entry's signature differs", details.Keys);
        Assert.Contains("the entry's key or certificate differs", details.Keys);
        Assert.Contains("the entry body is malformed", details.Keys);
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

        var passed = 0;
        var details = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var clean = random.Next(3) == 0;
            string Text(string value) => clean ? "\"" + value + "\"" : JsonFragments.String(random, value);
            string Object(IReadOnlyList<(string Name, string Value)> properties) =>
                clean ? "{" + string.Join(",", properties.Select(property => $"\"{property.Name}\":{property.Value}")) + "}" : JsonFragments.Object(random, properties);
            var hex = Convert.ToHexStringLower(SHA256.HashData(payload));
            var payloadHash = Object([
                ("algorithm", Text(JsonFragments.Pick(random, "sha256", "sha256", "SHA256", "sha512"))),
                ("value", Text(JsonFragments.Pick(random, hex, hex.ToUpperInvariant(), hex[..^1] + "0", hex[..10]))),
            ]);
            string SignatureEntry() => Object([
                ("signature", Text(JsonFragments.Pick(random, Convert.ToBase64String(signature), Convert.ToBase64String(signature), Convert.ToBase64String(signature[..^1]), "!!", Convert.ToBase64String(signature)[..4] + "\\n" + Convert.ToBase64String(signature)[4..]))),
                ("verifier", Text(JsonFragments.Pick(random, Base64(certificatePem), Base64(keyPem), Base64("garbage"), Convert.ToBase64String([0xFF, 0xFE, 0x2D]), "not base64!"))),
            ]);
            var signatures = "[" + string.Join(",", Enumerable.Range(0, random.Next(3)).Select(_ => SignatureEntry())) + "]";
            var spec = Object([("payloadHash", payloadHash), ("signatures", signatures)]);
            var body = Object([
                ("apiVersion", Text(JsonFragments.Pick(random, "0.0.1", "0.0.1", "0.0.2"))),
                ("kind", Text(JsonFragments.Pick(random, "dsse", "dsse", "intoto"))),
                ("spec", spec),
            ]);
            var bytes = clean ? Encoding.UTF8.GetBytes(body) : JsonFragments.Bytes(random, body);
            var expected = expectations[random.Next(expectations.Length)];

            var actual = LogEntryBodyMatcher.Verify(bytes, expected);
            var oracle = StringLogEntryBodyMatcherOracle.Verify(bytes, expected);

            Assert.Equal(oracle, actual);
            Interlocked.Add(ref passed, actual.Passed ? 1 : 0);
            details.TryAdd(actual.Detail.Split(':')[0], 0);
        }, iter: 20_000);

        Assert.True(passed > 0, "no sample matched");
        Assert.Contains("the entry's payload hash differs", details.Keys);
        Assert.Contains("no signature in the entry matches the envelope's signature and certificate", details.Keys);
        Assert.Contains("a dsse entry records an envelope, not a message signature", details.Keys);
        Assert.Contains("the entry body is malformed", details.Keys);
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
        var passed = 0;
        var details = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var clean = random.Next(3) == 0;
            string Text(string value) => clean ? "\"" + value + "\"" : JsonFragments.String(random, value);
            string Object(IReadOnlyList<(string Name, string Value)> properties) =>
                clean ? "{" + string.Join(",", properties.Select(property => $"\"{property.Name}\":{property.Value}")) + "}" : JsonFragments.Object(random, properties);
            var hex = Convert.ToHexStringLower(SHA256.HashData(payload));
            var payloadHash = Object([
                ("algorithm", Text(JsonFragments.Pick(random, "sha256", "sha256", "SHA256"))),
                ("value", Text(JsonFragments.Pick(random, hex, hex.ToUpperInvariant(), hex[..^1] + "0"))),
            ]);
            string SignatureEntry() => Object([
                ("sig", Text(JsonFragments.Pick(random, Twice(signature), Twice(signature), Twice(signature[..^1]), Base64("!!"), Convert.ToBase64String([0xC3, 0xA9, 0x41, 0x41]), "!!"))),
                ("publicKey", Text(JsonFragments.Pick(random, Base64(certificatePem), Base64(certificatePem), Base64("garbage"), "not base64!"))),
            ]);
            var signatures = "[" + string.Join(",", Enumerable.Range(0, random.Next(3)).Select(_ => SignatureEntry())) + "]";
            var loggedEnvelope = Object([
                ("payloadType", Text(JsonFragments.Pick(random, DsseEnvelope.InTotoPayloadType, DsseEnvelope.InTotoPayloadType, "text/plain"))),
                ("payload", JsonFragments.Pick(random, "\"" + Twice(payload) + "\"", "\"" + Twice(payload) + "\"", "\"" + Twice(payload[..^1]) + "\"", "null", "7", "\"" + Base64("%%") + "\"")),
                ("signatures", signatures),
            ]);
            var content = Object([("envelope", loggedEnvelope), ("payloadHash", payloadHash)]);
            var body = Object([
                ("apiVersion", Text(JsonFragments.Pick(random, "0.0.2", "0.0.2", "0.0.1"))),
                ("kind", Text(JsonFragments.Pick(random, "intoto", "intoto", "dsse"))),
                ("spec", Object([("content", content)])),
            ]);
            var bytes = clean ? Encoding.UTF8.GetBytes(body) : JsonFragments.Bytes(random, body);
            var expected = expectations[random.Next(expectations.Length)];

            var actual = LogEntryBodyMatcher.Verify(bytes, expected);
            var oracle = StringLogEntryBodyMatcherOracle.Verify(bytes, expected);

            Assert.Equal(oracle, actual);
            Interlocked.Add(ref passed, actual.Passed ? 1 : 0);
            details.TryAdd(actual.Detail.Split(':')[0], 0);
        }, iter: 20_000);

        Assert.True(passed > 0, "no sample matched");
        Assert.Contains("the entry's payload hash differs", details.Keys);
        Assert.Contains("the entry's payload type differs", details.Keys);
        Assert.Contains("the entry's payload differs", details.Keys);
        Assert.Contains("no signature in the entry matches the envelope's signature and certificate", details.Keys);
        Assert.Contains("the entry body is malformed", details.Keys);
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

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
