using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageTrust.Signing;
using ImageTrust.Signing.Transparency;

namespace ImageTrust.Shared.Tests.Signing.Transparency;

/// <summary>
/// The hashedrekord 0.0.1 entry-body matching as it was before it compared UTF-8 in pooled buffers (strings and arrays), kept
/// as the oracle of a differential test. The other kinds were not rewritten, so the oracle hands them to
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
            if ((kind, version) != ("hashedrekord", "0.0.1"))
            {
                return LogEntryBodyMatcher.Verify(canonicalizedBody, expected);
            }

            var mismatch = MatchHashedRekordV001(spec, expected);
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
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var value) ? value : throw new FormatException($"missing '{name}'");

    private static string Text(JsonElement owner, string name) =>
        Property(owner, name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw new FormatException($"'{name}' is not a string");

    private static byte[] Bytes(string base64) => Convert.FromBase64String(base64);
}
