using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Json;

namespace ImageTrust.Signing.Transparency;

/// <summary>
/// Checks that a Rekor entry body records exactly what was verified: the same signature, the same certificate or key, and the
/// same artifact digest (hashedrekord 0.0.1/0.0.2), payload hash (intoto 0.0.2, dsse 0.0.1), or PAE digest (Rekor v2
/// hashedrekord over DSSE).
/// </summary>
internal static class LogEntryBodyMatcher
{
    // Rekor v1 bodies are read by cosign with Go's encoding/json, Rekor v2 bodies by sigstore-go with protojson: fields are
    // read under their exact JSON names only, and another spelling either reader could take for one (a Go fold, the proto
    // name) or a field named twice makes the body malformed.
    private static readonly Dictionary<string, GoJsonFieldName> Fields = new[]
    {
        GoJsonFieldName.Exact("kind"), GoJsonFieldName.Exact("apiVersion", "api_version"), GoJsonFieldName.Exact("spec"),
        GoJsonFieldName.Exact("hashedRekordV002", "hashed_rekord_v002"), GoJsonFieldName.Exact("content"), GoJsonFieldName.Exact("data"),
        GoJsonFieldName.Exact("hash"), GoJsonFieldName.Exact("signature"), GoJsonFieldName.Exact("algorithm"), GoJsonFieldName.Exact("value"),
        GoJsonFieldName.Exact("publicKey", "public_key"), GoJsonFieldName.Exact("digest"), GoJsonFieldName.Exact("verifier"),
        GoJsonFieldName.Exact("x509Certificate", "x509_certificate"), GoJsonFieldName.Exact("rawBytes", "raw_bytes"),
        GoJsonFieldName.Exact("payloadHash", "payload_hash"), GoJsonFieldName.Exact("envelope"), GoJsonFieldName.Exact("payloadType", "payload_type"),
        GoJsonFieldName.Exact("payload"), GoJsonFieldName.Exact("signatures"), GoJsonFieldName.Exact("sig"),
    }.ToDictionary(field => field.Name, StringComparer.Ordinal);

    /// <summary>The step name in results.</summary>
    public const string Step = "tlog-entry-body";

    /// <summary>Matches <paramref name="entry"/>'s body against <paramref name="expected"/>; the body's kind must be the entry's.</summary>
    public static CheckResult Verify(TransparencyLogEntry entry, ExpectedLogContent expected) =>
        Verify(entry.CanonicalizedBody, expected, (entry.Kind, entry.KindVersion));

    /// <summary>Matches a canonicalized body (e.g. decoded from cosign's bundle annotation) against <paramref name="expected"/>.</summary>
    public static CheckResult Verify(ReadOnlyMemory<byte> canonicalizedBody, ExpectedLogContent expected) => Verify(canonicalizedBody, expected, null);

    private static CheckResult Verify(ReadOnlyMemory<byte> canonicalizedBody, ExpectedLogContent expected, (string Kind, string Version)? declared)
    {
        try
        {
            using var document = JsonDocument.Parse(canonicalizedBody);
            var body = document.RootElement;
            var kind = Text(body, "kind");
            var version = Text(body, "apiVersion");
            if (declared is { } entryKind && (kind != entryKind.Kind || version != entryKind.Version))
            {
                return Fail($"the body is {kind}/{version} but the entry says {entryKind.Kind}/{entryKind.Version}");
            }

            var spec = Property(body, "spec");
            var mismatch = (kind, version) switch
            {
                ("hashedrekord", "0.0.1") => MatchHashedRekordV001(spec, expected),
                ("hashedrekord", "0.0.2") => MatchHashedRekordV002(Property(spec, "hashedRekordV002"), expected),
                ("intoto", "0.0.2") => MatchIntotoV002(Property(spec, "content"), expected),
                ("dsse", "0.0.1") => MatchDsseV001(spec, expected),
                _ => $"unsupported entry kind {kind}/{version}",
            };
            return mismatch is null ? CheckResult.Pass(Step, KindName(kind, version)) : Fail(mismatch);
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

        // Compared as UTF-8 straight from the document (this runs once per classic signature): no strings, no arrays.
        if (!Utf8Text(hash, "algorithm").SequenceEqual("sha256"u8) || !HexEqualsIgnoreCase(Utf8Text(hash, "value"), expected.ArtifactSha256))
        {
            return "the entry's artifact digest differs";
        }

        if (!Base64Equals(Utf8Text(signature, "content"), expected.Signature))
        {
            return "the entry's signature differs";
        }

        return MatchesBase64Pem(Utf8Text(Property(signature, "publicKey"), "content"), expected) ? null : "the entry's key or certificate differs";
    }

    private static string? MatchHashedRekordV002(JsonElement spec, ExpectedLogContent expected)
    {
        var data = Property(spec, "data");
        var signature = Property(spec, "signature");
        var digest = expected.Envelope is { } envelope ? SHA256.HashData(envelope.PreAuthenticationEncoding()) : expected.ArtifactSha256;
        if (Text(data, "algorithm") != "SHA2_256" || digest is null || !Bytes(Text(data, "digest")).AsSpan().SequenceEqual(digest))
        {
            return "the entry's digest differs";
        }

        if (!Bytes(Text(signature, "content")).AsSpan().SequenceEqual(expected.Signature))
        {
            return "the entry's signature differs";
        }

        var verifier = Property(signature, "verifier");
        if (JsonFields.TryGet(verifier, Fields["x509Certificate"], out var certificate))
        {
            return expected.CertificateDer is { } der && Bytes(Text(certificate, "rawBytes")).AsSpan().SequenceEqual(der) ? null : "the entry's certificate differs";
        }

        return JsonFields.TryGet(verifier, Fields["publicKey"], out var key) && expected.PublicKeySpki is { } spki && Bytes(Text(key, "rawBytes")).AsSpan().SequenceEqual(spki)
            ? null
            : "the entry's key differs";
    }

    private static string? MatchIntotoV002(JsonElement content, ExpectedLogContent expected)
    {
        if (expected.Envelope is not { } envelope)
        {
            return "an intoto entry records an envelope, not a message signature";
        }

        if (!PayloadHashMatches(Property(content, "payloadHash"), envelope))
        {
            return "the entry's payload hash differs";
        }

        var logged = Property(content, "envelope");
        if (Text(logged, "payloadType") != envelope.PayloadType)
        {
            return "the entry's payload type differs";
        }

        if (JsonFields.TryGet(logged, Fields["payload"], out _) && !DoubleBase64Equals(Utf8Text(logged, "payload"), envelope.Payload))
        {
            return "the entry's payload differs";
        }

        // intoto 0.0.2 base64-encodes the already base64 signature and the PEM verifier once more.
        return MatchEnvelopeSignatures(Property(logged, "signatures"), "sig", "publicKey", signatureDoubleEncoded: true, expected);
    }

    private static string? MatchDsseV001(JsonElement spec, ExpectedLogContent expected)
    {
        if (expected.Envelope is not { } envelope)
        {
            return "a dsse entry records an envelope, not a message signature";
        }

        // Compared as UTF-8 straight from the document, as hashedrekord is: the verifier PEM is the body's largest field.
        if (!PayloadHashMatches(Property(spec, "payloadHash"), envelope))
        {
            return "the entry's payload hash differs";
        }

        return MatchEnvelopeSignatures(Property(spec, "signatures"), "signature", "verifier", signatureDoubleEncoded: false, expected);
    }

    // The logged payload hash is the sha256 of the envelope's payload.
    private static bool PayloadHashMatches(JsonElement payloadHash, DsseEnvelope envelope)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(envelope.Payload, digest);
        return Utf8Text(payloadHash, "algorithm").SequenceEqual("sha256"u8) && HexEqualsIgnoreCase(Utf8Text(payloadHash, "value"), digest);
    }

    // Some logged envelope signature is ours and names our certificate or key. Both are decoded before deciding, so a
    // malformed verifier is reported even beside a different signature.
    private static string? MatchEnvelopeSignatures(JsonElement signatures, string signatureField, string verifierField, bool signatureDoubleEncoded, ExpectedLogContent expected)
    {
        foreach (var signature in signatures.EnumerateArray())
        {
            var signatureText = Utf8Text(signature, signatureField);
            var signatureMatches = signatureDoubleEncoded ? DoubleBase64Equals(signatureText, expected.Signature) : Base64Equals(signatureText, expected.Signature);
            var verifierMatches = MatchesBase64Pem(Utf8Text(signature, verifierField), expected);
            if (signatureMatches && verifierMatches)
            {
                return null;
            }
        }

        return "no signature in the entry matches the envelope's signature and certificate";
    }

    private static bool MatchesPem(ReadOnlySpan<char> pem, ExpectedLogContent expected)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            return false;
        }

        var label = pem[fields.Label];
        var expectedDer = label.SequenceEqual("CERTIFICATE") ? expected.CertificateDer
            : label.SequenceEqual("PUBLIC KEY") ? expected.PublicKeySpki
            : null;
        if (expectedDer is null)
        {
            // The label decides before the data is decoded (the data was validated as base64 by TryFind).
            return false;
        }

        var data = pem[fields.Base64Data];
        var der = ArrayPool<byte>.Shared.Rent(fields.DecodedDataLength);
        try
        {
            return Convert.TryFromBase64Chars(data, der, out var written) && der.AsSpan(0, written).SequenceEqual(expectedDer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(der);
        }
    }

    /// <summary>Base64-decodes <paramref name="base64"/> (a PEM document, UTF-8 with replacement as Encoding.UTF8.GetString reads it) and matches it.</summary>
    private static bool MatchesBase64Pem(ReadOnlySpan<byte> base64, ExpectedLogContent expected)
    {
        var pem = ArrayPool<byte>.Shared.Rent(Math.Max(base64.Length / 4 * 3 + 3, 1));
        try
        {
            var pemLength = DecodeBase64(base64, pem);
            var chars = ArrayPool<char>.Shared.Rent(Math.Max(pemLength, 1));
            try
            {
                return MatchesPem(chars.AsSpan(0, Encoding.UTF8.GetChars(pem.AsSpan(0, pemLength), chars)), expected);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pem);
        }
    }

    private static bool Base64Equals(ReadOnlySpan<byte> base64, ReadOnlySpan<byte> expected)
    {
        var decoded = ArrayPool<byte>.Shared.Rent(Math.Max(base64.Length / 4 * 3 + 3, 1));
        try
        {
            return decoded.AsSpan(0, DecodeBase64(base64, decoded)).SequenceEqual(expected);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    /// <summary>
    /// Whether base64 text whose decoding is itself base64 (read as ASCII, as <see cref="Encoding.ASCII"/> reads it) decodes to
    /// <paramref name="expected"/>; either layer not being base64 throws <see cref="Convert.FromBase64String"/>'s exception.
    /// </summary>
    private static bool DoubleBase64Equals(ReadOnlySpan<byte> base64, ReadOnlySpan<byte> expected)
    {
        var inner = ArrayPool<byte>.Shared.Rent(Math.Max(base64.Length / 4 * 3 + 3, 1));
        try
        {
            var innerLength = DecodeBase64(base64, inner);
            var decoded = ArrayPool<byte>.Shared.Rent(Math.Max(innerLength / 4 * 3 + 3, 1));
            try
            {
                return decoded.AsSpan(0, DecodeBase64(inner.AsSpan(0, innerLength), decoded, Encoding.ASCII)).SequenceEqual(expected);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(inner);
        }
    }

    /// <summary>
    /// Decodes base64 text (UTF-8, or as <paramref name="encoding"/> reads it) as <see cref="Convert.FromBase64String"/> does
    /// (whitespace ignored), throwing its <see cref="FormatException"/>.
    /// </summary>
    private static int DecodeBase64(ReadOnlySpan<byte> base64, Span<byte> destination, Encoding? encoding = null)
    {
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(base64.Length, 1));
        try
        {
            var text = chars.AsSpan(0, (encoding ?? Encoding.UTF8).GetChars(base64, chars));
            if (Convert.TryFromBase64Chars(text, destination, out var written))
            {
                return written;
            }

            // Not base64: throw exactly what Convert.FromBase64String throws.
            _ = Convert.FromBase64String(text.ToString());
            throw new FormatException("the value is not base64");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static bool HexEqualsIgnoreCase(ReadOnlySpan<byte> hex, ReadOnlySpan<byte> digest)
    {
        if (hex.Length != digest.Length * 2)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[hex.Length];
        for (var i = 0; i < digest.Length; i++)
        {
            expected[2 * i] = (byte)"0123456789abcdef"[digest[i] >> 4];
            expected[(2 * i) + 1] = (byte)"0123456789abcdef"[digest[i] & 0xF];
        }

        return Ascii.EqualsIgnoreCase(hex, expected);
    }

    // The matched kinds' names as constants: the pass detail is written once per verified signature.
    private static string KindName(string? kind, string? version) => (kind, version) switch
    {
        ("hashedrekord", "0.0.1") => "hashedrekord/0.0.1",
        ("hashedrekord", "0.0.2") => "hashedrekord/0.0.2",
        ("intoto", "0.0.2") => "intoto/0.0.2",
        ("dsse", "0.0.1") => "dsse/0.0.1",
        _ => $"{kind}/{version}",
    };

    private static CheckResult Fail(string detail) => CheckResult.Fail(Step, "TLOG_ENTRY_MISMATCH", detail);

    private static JsonElement Property(JsonElement owner, string name) =>
        JsonFields.TryGet(owner, Fields[name], out var value) ? value : throw new FormatException($"missing '{name}'");

    private static string Text(JsonElement owner, string name) =>
        Property(owner, name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw new FormatException($"'{name}' is not a string");

    /// <summary>
    /// A string property's UTF-8 text as <see cref="JsonElement.GetString"/> would decode it: a view into the document when the
    /// value has no escapes (always so in Rekor's canonical bodies), a copy otherwise; invalid text throws as GetString does.
    /// </summary>
    private static ReadOnlySpan<byte> Utf8Text(JsonElement owner, string name)
    {
        var value = Property(owner, name);
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"'{name}' is not a string");
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"' && raw[1..^1].IndexOf((byte)'\\') < 0 && Utf8.IsValid(raw[1..^1]))
        {
            return raw[1..^1];
        }

        return Encoding.UTF8.GetBytes(value.GetString()!);
    }

    private static byte[] Bytes(string base64) => Convert.FromBase64String(base64);
}
