using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageTrust.Signing;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Transparency;

namespace ImageTrust.Shared.Tests.Signing.Transparency;

/// <summary>
/// The hashedrekord 0.0.1, dsse 0.0.1 and intoto 0.0.2 entry-body matching as it was before it compared UTF-8 in pooled
/// buffers (strings and arrays), kept as the oracle of differential tests. One deliberate change: an intoto envelope whose
/// payload is JSON null used to escape as ArgumentNullException; it is malformed like any other non-string. Fields are
/// looked up with the key rules every signed-JSON reader shares (<see cref="JsonFields"/>: exact names, none twice). The other kinds were not rewritten, so the oracle hands them to
/// <see cref="LogEntryBodyMatcher"/> itself rather than keeping a second copy of them.
/// </summary>
internal static class StringLogEntryBodyMatcherOracle
{
    /// <summary>Matches a canonicalized body (e.g. decoded from cosign's bundle annotation) against <paramref name="expected"/>.</summary>
    public static CheckResult Verify(ReadOnlyMemory<byte> canonicalizedBody, ExpectedLogContent expected)
    {
        try
        {
            using var document = JsonDocument.Parse(canonicalizedBody);
            var body = document.RootElement;
            var kind = Text(body, "kind");
            var version = Text(body, "apiVersion");
            var spec = Property(body, "spec");
            if ((kind, version) is not (("hashedrekord", "0.0.1") or ("dsse", "0.0.1") or ("intoto", "0.0.2")))
            {
                return LogEntryBodyMatcher.Verify(canonicalizedBody, expected);
            }

            var mismatch = (kind, version) switch
            {
                ("hashedrekord", "0.0.1") => MatchHashedRekordV001(spec, expected),
                ("dsse", "0.0.1") => MatchDsseV001(spec, expected),
                _ => MatchIntotoV002(Property(spec, "content"), expected),
            };

            return mismatch is null ? CheckResult.Pass(LogEntryBodyMatcher.Step, $"{kind}/{version}") : Fail(mismatch);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return Fail($"the entry body is malformed: {e.Message}");
        }
    }

    private static string? MatchHashedRekordV001(JsonElement spec, ExpectedLogContent expected)
    {
        var hash = Property(Property(spec, "data"), "hash");
        var signature = Property(spec, "signature");
        if (expected.ArtifactSha256 is null)
        {
            return "a hashedrekord entry records a message signature, not an envelope";
        }

        if (Text(hash, "algorithm") != "sha256" || !Text(hash, "value").Equals(Convert.ToHexStringLower(expected.ArtifactSha256), StringComparison.OrdinalIgnoreCase))
        {
            return "the entry's artifact digest differs";
        }

        if (!Bytes(Text(signature, "content")).AsSpan().SequenceEqual(expected.Signature))
        {
            return "the entry's signature differs";
        }

        return MatchesPem(Encoding.UTF8.GetString(Bytes(Text(Property(signature, "publicKey"), "content"))), expected) ? null : "the entry's key or certificate differs";
    }

    private static string? MatchIntotoV002(JsonElement content, ExpectedLogContent expected)
    {
        if (expected.Envelope is not { } envelope)
        {
            return "an intoto entry records an envelope, not a message signature";
        }

        var payloadHash = Property(content, "payloadHash");
        if (Text(payloadHash, "algorithm") != "sha256" || !Text(payloadHash, "value").Equals(Convert.ToHexStringLower(SHA256.HashData(envelope.Payload)), StringComparison.OrdinalIgnoreCase))
        {
            return "the entry's payload hash differs";
        }

        var logged = Property(content, "envelope");
        if (Text(logged, "payloadType") != envelope.PayloadType)
        {
            return "the entry's payload type differs";
        }

        if (JsonFields.TryGet(logged, GoJsonFieldName.Exact("payload"), out _) && !Bytes(Encoding.ASCII.GetString(Bytes(Text(logged, "payload")))).AsSpan().SequenceEqual(envelope.Payload))
        {
            return "the entry's payload differs";
        }

        foreach (var signature in Property(logged, "signatures").EnumerateArray())
        {
            var sig = Bytes(Encoding.ASCII.GetString(Bytes(Text(signature, "sig"))));
            var verifier = Encoding.UTF8.GetString(Bytes(Text(signature, "publicKey")));
            if (sig.AsSpan().SequenceEqual(expected.Signature) && MatchesPem(verifier, expected))
            {
                return null;
            }
        }

        return "no signature in the entry matches the envelope's signature and certificate";
    }

    private static string? MatchDsseV001(JsonElement spec, ExpectedLogContent expected)
    {
        if (expected.Envelope is not { } envelope)
        {
            return "a dsse entry records an envelope, not a message signature";
        }

        var payloadHash = Property(spec, "payloadHash");
        if (Text(payloadHash, "algorithm") != "sha256" || !Text(payloadHash, "value").Equals(Convert.ToHexStringLower(SHA256.HashData(envelope.Payload)), StringComparison.OrdinalIgnoreCase))
        {
            return "the entry's payload hash differs";
        }

        foreach (var signature in Property(spec, "signatures").EnumerateArray())
        {
            var sig = Bytes(Text(signature, "signature"));
            var verifier = Encoding.UTF8.GetString(Bytes(Text(signature, "verifier")));
            if (sig.AsSpan().SequenceEqual(expected.Signature) && MatchesPem(verifier, expected))
            {
                return null;
            }
        }

        return "no signature in the entry matches the envelope's signature and certificate";
    }

    private static bool MatchesPem(string pem, ExpectedLogContent expected)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            return false;
        }

        var label = pem[fields.Label];
        var der = Bytes(pem[fields.Base64Data]);
        return label switch
        {
            "CERTIFICATE" => expected.CertificateDer is { } certificate && der.AsSpan().SequenceEqual(certificate),
            "PUBLIC KEY" => expected.PublicKeySpki is { } spki && der.AsSpan().SequenceEqual(spki),
            _ => false,
        };
    }

    private static CheckResult Fail(string detail) => CheckResult.Fail(LogEntryBodyMatcher.Step, "TLOG_ENTRY_MISMATCH", detail);

    private static JsonElement Property(JsonElement owner, string name) =>
        JsonFields.TryGet(owner, GoJsonFieldName.Exact(name), out var value) ? value : throw new FormatException($"missing '{name}'");

    private static string Text(JsonElement owner, string name) =>
        Property(owner, name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw new FormatException($"'{name}' is not a string");

    private static byte[] Bytes(string base64) => Convert.FromBase64String(base64);
}
