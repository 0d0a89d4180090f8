using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace ImageTrust.Signing.Classic;

/// <summary>
/// The <see cref="JsonDocument"/> reading of a Rekor bundle annotation, which defines what
/// <see cref="RekorBundle.TryParse(AnnotationValue, out RekorBundle?, out string)"/> accepts. The pooled single-pass reader
/// gives the same answers except for a name with a JSON escape that is not valid UTF-16 (a lone surrogate), where the
/// answer depends on which names JsonDocument compares in which order; those rare, malformed bundles are read here instead.
/// </summary>
internal static class RekorBundleDocumentReader
{
    /// <summary>Parses the bundle JSON (its size already checked) without throwing.</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out RekorBundle? bundle, out string error)
    {
        bundle = null;
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

            bundle = new RekorBundle(setBytes, Encoding.UTF8.GetBytes(body.GetString()!), integratedTime, logIndex, logId.GetString()!);
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
