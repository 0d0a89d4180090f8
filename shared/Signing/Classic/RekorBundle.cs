using System.Text.Json;

namespace ImageTrust.Signing.Classic;

/// <summary>
/// The Rekor proof cosign attaches to a classic signature (annotation <c>dev.sigstore.cosign/bundle</c>):
/// the signed entry timestamp over the canonical <c>{body, integratedTime, logID, logIndex}</c>.
/// </summary>
/// <param name="SignedEntryTimestamp">The SET signature bytes.</param>
/// <param name="Body">The base64 entry body, exactly as logged.</param>
/// <param name="IntegratedTime">Unix seconds at which the log integrated the entry.</param>
/// <param name="LogIndex">The entry's index in the log.</param>
/// <param name="LogId">The hex log id (SHA-256 of the log key's DER SPKI).</param>
internal sealed record RekorBundle(byte[] SignedEntryTimestamp, string Body, long IntegratedTime, long LogIndex, string LogId)
{
    private const int MaxBundleChars = 1024 * 1024;

    /// <summary>The integrated time as an instant.</summary>
    public DateTimeOffset IntegratedAt => DateTimeOffset.FromUnixTimeSeconds(IntegratedTime);

    /// <summary>Parses the annotation without throwing.</summary>
    public static bool TryParse(string json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RekorBundle? bundle, out string error)
    {
        bundle = null;
        if (json.Length > MaxBundleChars)
        {
            error = "Rekor bundle is too large";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("SignedEntryTimestamp", out var set) || set.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("Payload", out var payload) || payload.ValueKind != JsonValueKind.Object
                || !payload.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.String
                || !payload.TryGetProperty("integratedTime", out var time) || time.ValueKind != JsonValueKind.Number || !time.TryGetInt64(out var integratedTime)
                || !payload.TryGetProperty("logIndex", out var index) || index.ValueKind != JsonValueKind.Number || !index.TryGetInt64(out var logIndex)
                || !payload.TryGetProperty("logID", out var logId) || logId.ValueKind != JsonValueKind.String)
            {
                error = "Rekor bundle lacks SignedEntryTimestamp or Payload{body, integratedTime, logIndex, logID}";
                return false;
            }

            if (integratedTime < 0 || logIndex < 0 || integratedTime > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                error = "Rekor bundle has a negative or out-of-range integratedTime or logIndex";
                return false;
            }

            if (!set.TryGetBytesFromBase64(out var setBytes))
            {
                error = "Rekor bundle SignedEntryTimestamp is not base64";
                return false;
            }

            bundle = new RekorBundle(setBytes, body.GetString()!, integratedTime, logIndex, logId.GetString()!);
            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error = $"Rekor bundle is not valid JSON: {e.Message}";
            return false;
        }
    }
}
