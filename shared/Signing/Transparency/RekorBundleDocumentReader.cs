using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using ImageTrust.Signing.Json;

namespace ImageTrust.Signing.Transparency;

/// <summary>
/// The <see cref="JsonDocument"/> reading of a Rekor bundle annotation, with the rules of
/// <see cref="RekorBundle.TryParse(AnnotationValue, out RekorBundle?, out string)"/> (Go's key matching, no field named
/// twice): the differential tests' reference for the pooled single-pass reader, which production uses.
/// </summary>
internal static class RekorBundleDocumentReader
{
    private static readonly GoJsonFieldName SetField = GoJsonFieldName.Folded("SignedEntryTimestamp");
    private static readonly GoJsonFieldName PayloadField = GoJsonFieldName.Folded("Payload");
    private static readonly GoJsonFieldName BodyField = GoJsonFieldName.Folded("body");
    private static readonly GoJsonFieldName TimeField = GoJsonFieldName.Folded("integratedTime");
    private static readonly GoJsonFieldName IndexField = GoJsonFieldName.Folded("logIndex");
    private static readonly GoJsonFieldName LogIdField = GoJsonFieldName.Folded("logID");

    /// <summary>Parses the bundle JSON (its size already checked) without throwing.</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out RekorBundle? bundle, out string error)
    {
        bundle = null;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !JsonFields.TryGet(root, SetField, out var set) | !JsonFields.TryGet(root, PayloadField, out var payload)
                || set.ValueKind != JsonValueKind.String || payload.ValueKind != JsonValueKind.Object
                || !JsonFields.TryGet(payload, BodyField, out var body) | !JsonFields.TryGet(payload, TimeField, out var time)
                    | !JsonFields.TryGet(payload, IndexField, out var index) | !JsonFields.TryGet(payload, LogIdField, out var logId)
                || body.ValueKind != JsonValueKind.String
                || time.ValueKind != JsonValueKind.Number || !time.TryGetInt64(out var integratedTime)
                || index.ValueKind != JsonValueKind.Number || !index.TryGetInt64(out var logIndex)
                || logId.ValueKind != JsonValueKind.String)
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
        catch (FormatException e)
        {
            error = $"Rekor bundle is malformed: {e.Message}";
            return false;
        }
    }
}
