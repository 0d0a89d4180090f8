using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Transparency;

namespace ImageTrust.Signing.Bundles;

/// <summary>Parses Sigstore bundle JSON, rejecting structurally invalid bundles before any cryptography runs.</summary>
internal static class SigstoreBundleParser
{
    /// <summary>The largest bundle accepted.</summary>
    public const int MaxBytes = 8 * 1024 * 1024;

    /// <summary>Parses a bundle.</summary>
    /// <exception cref="FormatException">The bundle is malformed, too large, of an unknown version, carries an empty chain or a
    /// root certificate, a DSSE envelope without exactly one signature, invalid base64, or a negative log index.</exception>
    public static SigstoreBundle Parse(ReadOnlyMemory<byte> json)
    {
        if (json.Length > MaxBytes)
        {
            throw new FormatException($"bundle is larger than {MaxBytes} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            return FromRoot(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"bundle is not valid JSON: {e.Message}", e);
        }
    }

    private static SigstoreBundle FromRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("bundle is not a JSON object");
        }

        var mediaType = OptionalString(root, "mediaType");
        var version = BundleMediaTypes.MinorVersion(mediaType) ?? throw new FormatException($"unsupported bundle media type '{mediaType}'");
        var material = Required(root, "verificationMaterial");

        // protojson refuses a oneof given twice; reading one member and ignoring the other would be a second reading.
        OneOf(material, "verificationMaterial content", "certificate", "x509CertificateChain", "publicKey");
        OneOf(root, "bundle content", "messageSignature", "dsseEnvelope");

        ParsedCertificate? certificate = null;
        var chain = new List<ParsedCertificate>();
        string? keyHint = null;
        if (JsonFields.TryGetProto(material, "certificate", out var single))
        {
            certificate = LoadCertificate(Required(single, "rawBytes"));
        }
        else if (JsonFields.TryGetProto(material, "x509CertificateChain", out var chainElement))
        {
            var certificates = Array(chainElement, "certificates").Select(c => LoadCertificate(Required(c, "rawBytes"))).ToList();
            if (certificates.Count == 0)
            {
                throw new FormatException("bundle certificate chain is empty");
            }

            certificate = certificates[0];
            chain.AddRange(certificates.Skip(1));
        }
        else if (JsonFields.TryGetProto(material, "publicKey", out var key))
        {
            keyHint = OptionalString(key, "hint") ?? string.Empty;
        }
        else
        {
            throw new FormatException("bundle has no certificate, chain or public key");
        }

        // The trust anchor must come from trust material, never from the bundle.
        if (chain.Any(c => c.IsSelfIssued) || certificate?.IsSelfIssued == true)
        {
            throw new FormatException("bundle carries a root (self-issued) certificate");
        }

        MessageSignature? message = null;
        DsseEnvelope? envelope = null;
        if (JsonFields.TryGetProto(root, "messageSignature", out var messageElement))
        {
            byte[]? digest = null;
            if (JsonFields.TryGetProto(messageElement, "messageDigest", out var digestElement))
            {
                if (OptionalString(digestElement, "algorithm") != "SHA2_256")
                {
                    throw new FormatException("bundle message digest is not SHA2_256");
                }

                digest = Base64(Required(digestElement, "digest"));
            }

            message = new MessageSignature(Base64(Required(messageElement, "signature")), digest);
        }
        else if (JsonFields.TryGetProto(root, "dsseEnvelope", out var envelopeElement))
        {
            envelope = DsseEnvelope.FromJson(envelopeElement);
            if (envelope.Signatures.Count != 1)
            {
                throw new FormatException($"bundle DSSE envelope has {envelope.Signatures.Count} signatures; exactly one is required");
            }
        }
        else
        {
            throw new FormatException("bundle has neither a message signature nor a DSSE envelope");
        }

        var entries = Array(material, "tlogEntries").Select(ParseEntry).ToList();
        var timestamps = new List<byte[]>();
        if (JsonFields.TryGetProto(material, "timestampVerificationData", out var timestampData))
        {
            timestamps.AddRange(Array(timestampData, "rfc3161Timestamps").Select(t => Base64(Required(t, "signedTimestamp"))));
        }

        return new SigstoreBundle(version, certificate, chain, keyHint, message, envelope, entries, timestamps);
    }

    // protobuf-JSON omits fields holding their default value, so an absent logIndex (of the entry or its inclusion proof)
    // is index 0 and an absent integratedTime is "none" (then a SET cannot verify). treeSize stays required: 0 is no tree.
    private static TransparencyLogEntry ParseEntry(JsonElement entry)
    {
        var kindVersion = Required(entry, "kindVersion");
        var integrated = OptionalInt64(entry, "integratedTime");
        var set = JsonFields.TryGetProto(entry, "inclusionPromise", out var promise) ? Base64(Required(promise, "signedEntryTimestamp")) : null;
        InclusionProof? proof = null;
        if (JsonFields.TryGetProto(entry, "inclusionProof", out var proofElement))
        {
            var checkpoint = JsonFields.TryGetProto(proofElement, "checkpoint", out var c) ? OptionalString(c, "envelope") : null;
            proof = new InclusionProof(
                NonNegative(OptionalInt64(proofElement, "logIndex") ?? 0, "inclusion proof logIndex"),
                Base64(Required(proofElement, "rootHash")),
                RequiredInt64(proofElement, "treeSize"),
                Array(proofElement, "hashes").Select(Base64).ToArray(),
                checkpoint);
        }

        return new TransparencyLogEntry(
            NonNegative(OptionalInt64(entry, "logIndex") ?? 0, "logIndex"),
            Base64(Required(Required(entry, "logId"), "keyId")),
            OptionalString(kindVersion, "kind") ?? throw new FormatException("tlog entry has no kind"),
            OptionalString(kindVersion, "version") ?? throw new FormatException("tlog entry has no kind version"),
            integrated is null or 0 ? null : integrated,
            Base64(Required(entry, "canonicalizedBody")),
            set,
            proof);
    }

    private static void OneOf(JsonElement owner, string what, params ReadOnlySpan<string> members)
    {
        var present = 0;
        foreach (var member in members)
        {
            present += JsonFields.TryGetProto(owner, member, out _) ? 1 : 0;
        }

        if (present > 1)
        {
            throw new FormatException($"bundle: more than one member of the {what} oneof ({string.Join(", ", members.ToArray())})");
        }
    }

    private static long NonNegative(long value, string what) => value >= 0 ? value : throw new FormatException($"{what} is negative");

    private static ParsedCertificate LoadCertificate(JsonElement rawBytes)
    {
        try
        {
            return ParsedCertificate.Load(Base64(rawBytes));
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"bundle certificate is invalid: {e.Message}", e);
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement owner, string name) =>
        JsonFields.TryGetProto(owner, name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    private static JsonElement Required(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && JsonFields.TryGetProto(owner, name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new FormatException($"bundle: missing '{name}'");

    private static string? OptionalString(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && JsonFields.TryGetProto(owner, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // protobuf-JSON writes int64 as a string, but a number is accepted too.
    private static long? OptionalInt64(JsonElement owner, string name)
    {
        if (!JsonFields.TryGetProto(owner, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw new FormatException($"bundle: '{name}' is not an integer");
    }

    private static long RequiredInt64(JsonElement owner, string name) => OptionalInt64(owner, name) ?? throw new FormatException($"bundle: missing '{name}'");

    private static byte[] Base64(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException("bundle: expected a base64 string");
        }

        // Plain padded base64 (what protobuf JSON writes) is decoded straight from the document into one array; whatever that
        // refuses takes the lenient path below, as before. Where both decode, they agree (Base64DecodingTests).
        if (value.TryGetBytesFromBase64(out var decoded))
        {
            return decoded;
        }

        var text = value.GetString()!;
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written)
            ? buffer[..written]
            : throw new FormatException($"bundle: invalid base64 '{Truncate(text)}'");
    }

    private static string Truncate(string text) => text.Length <= 16 ? text : new StringBuilder(text, 0, 16, 19).Append("...").ToString();
}
