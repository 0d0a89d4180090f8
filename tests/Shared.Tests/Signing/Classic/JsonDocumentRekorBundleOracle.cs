using System.Text.Json;
using ImageTrust.Signing.Classic;

namespace ImageTrust.Shared.Tests.Signing.Classic;

/// <summary>
/// The Rekor bundle reading as it was done with <see cref="JsonDocument"/> over a string (before the pooled UTF-8 reader),
/// kept as the oracle of a differential test.
/// </summary>
internal static class JsonDocumentRekorBundleOracle
{
    /// <summary>The fields as text, or "error:" and the error.</summary>
    public static string Describe(string json)
    {
        if (json.Length > 1024 * 1024)
        {
            return "error:Rekor bundle is too large";
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
                return "error:Rekor bundle lacks SignedEntryTimestamp or Payload{body, integratedTime, logIndex, logID}";
            }

            if (integratedTime < 0 || logIndex < 0 || integratedTime > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                return "error:Rekor bundle has a negative or out-of-range integratedTime or logIndex";
            }

            if (!set.TryGetBytesFromBase64(out var setBytes))
            {
                return "error:Rekor bundle SignedEntryTimestamp is not base64";
            }

            return Line(setBytes, body.GetString()!, integratedTime, logIndex, logId.GetString()!);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return $"error:Rekor bundle is not valid JSON: {e.Message}";
        }
    }

    /// <summary>The same description of <see cref="RekorBundle.TryParse(string, out RekorBundle?, out string)"/>'s result.</summary>
    public static string Describe(bool parsed, RekorBundle? bundle, string error) =>
        parsed ? Line(bundle!.SignedEntryTimestamp, System.Text.Encoding.UTF8.GetString(bundle.Body.Span), bundle.IntegratedTime, bundle.LogIndex, bundle.LogId) : "error:" + error;

    private static string Line(byte[] set, string body, long integratedTime, long logIndex, string logId) =>
        $"{Convert.ToHexString(set)}|{body}|{integratedTime}|{logIndex}|{logId}";
}
