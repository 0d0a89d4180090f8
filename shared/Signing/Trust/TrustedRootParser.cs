using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Trust;

/// <summary>Parses a Sigstore <c>trusted_root.json</c> (media type <c>application/vnd.dev.sigstore.trustedroot…</c>).</summary>
internal static class TrustedRootParser
{
    /// <summary>The manifest resource name of the embedded public-good root.</summary>
    public const string PublicGoodResourceName = "ImageTrust.Signing.Trust.trusted_root_public_good.json";

    /// <summary>The largest trusted root accepted.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private const string MediaTypePrefix = "application/vnd.dev.sigstore.trustedroot";

    /// <summary>Parses trusted root JSON.</summary>
    /// <exception cref="FormatException">The JSON is malformed, too large, of another media type, or an entry is invalid
    /// (e.g. a key or authority without a validity start).</exception>
    public static TrustedMaterial Parse(ReadOnlyMemory<byte> json)
    {
        if (json.Length > MaxBytes)
        {
            throw new FormatException($"trusted root is larger than {MaxBytes} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("trusted root is not a JSON object");
            }

            var mediaType = OptionalString(root, "mediaType");
            if (mediaType is null || !mediaType.StartsWith(MediaTypePrefix, StringComparison.Ordinal))
            {
                throw new FormatException($"unsupported trusted root media type '{mediaType}'");
            }

            return new TrustedMaterial(
                Array(root, "certificateAuthorities").Select(ParseAuthority).ToArray(),
                Array(root, "tlogs").Select(ParseLog).ToArray(),
                Array(root, "ctlogs").Select(ParseLog).ToArray(),
                Array(root, "timestampAuthorities").Select(ParseAuthority).ToArray());
        }
        catch (JsonException e)
        {
            throw new FormatException($"trusted root is not valid JSON: {e.Message}", e);
        }
    }

    private static TransparencyLogAuthority ParseLog(JsonElement log)
    {
        var publicKey = Required(log, "publicKey");
        var details = OptionalString(publicKey, "keyDetails") ?? string.Empty;
        var rawBytes = Base64(Required(publicKey, "rawBytes"));
        var options = details.Contains("PSS", StringComparison.Ordinal) ? KeyOptions.RsaPssOnly : KeyOptions.None;

        // The key details name the encoding, as sigstore-go reads them: PKCS1_… is a bare RSAPublicKey, anything else PKIX.
        var key = details.StartsWith("PKCS1_", StringComparison.Ordinal) ? PublicKeyParser.ParsePkcs1Rsa(rawBytes, options) : PublicKeyParser.ParseDer(rawBytes, options);
        var validity = ParseWindow(publicKey, "transparency log key");
        var logId = JsonFields.TryGetProto(log, "logId", out var id) ? Base64(Required(id, "keyId")) : key.KeyId;
        var baseUrl = OptionalString(log, "baseUrl") is { } url ? new Uri(url, UriKind.Absolute) : null;
        return new TransparencyLogAuthority(logId, key, validity, baseUrl);
    }

    private static CertificateAuthority ParseAuthority(JsonElement authority)
    {
        var chain = Array(Required(authority, "certChain"), "certificates")
            .Select(certificate => LoadCertificate(Base64(Required(certificate, "rawBytes"))))
            .ToArray();
        var uri = OptionalString(authority, "uri") is { } text && Uri.TryCreate(text, UriKind.Absolute, out var parsed) ? parsed : null;
        return new CertificateAuthority(chain, ParseWindow(authority, "certificate authority"), uri);
    }

    private static TimeWindow ParseWindow(JsonElement owner, string what)
    {
        if (!JsonFields.TryGetProto(owner, "validFor", out var validFor) || validFor.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{what} has no validFor");
        }

        // A missing start is malformed, not "valid since forever": fail closed.
        var start = OptionalString(validFor, "start") ?? throw new FormatException($"{what} validFor has no start");
        var end = OptionalString(validFor, "end");
        return new TimeWindow(ParseTime(start), end is null ? null : ParseTime(end));
    }

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new FormatException($"'{text}' is not an RFC 3339 time");

    private static X509Certificate2 LoadCertificate(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"invalid certificate in trusted root: {e.Message}", e);
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement owner, string name) =>
        JsonFields.TryGetProto(owner, name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    private static JsonElement Required(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && JsonFields.TryGetProto(owner, name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new FormatException($"trusted root: missing '{name}'");

    private static string? OptionalString(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && JsonFields.TryGetProto(owner, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Base64(JsonElement value)
    {
        try
        {
            return Convert.FromBase64String(value.GetString() ?? string.Empty);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException("trusted root: invalid base64", e);
        }
    }
}
