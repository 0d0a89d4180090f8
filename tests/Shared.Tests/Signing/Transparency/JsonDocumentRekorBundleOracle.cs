using System.Text.Json;
using ImageTrust.Signing.Transparency;

namespace ImageTrust.Shared.Tests.Signing.Transparency;

/// <summary>
/// The oracle of a differential test: the Rekor bundle reading with <see cref="JsonDocument"/> over a string, which production
/// keeps as <see cref="RekorBundleDocumentReader"/> (it defines what the pooled UTF-8 reader must accept), described as text.
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

        var parsed = RekorBundleDocumentReader.TryParse(json, out var bundle, out var error);
        return Describe(parsed, bundle, error);
    }

    /// <summary>The same description of <see cref="RekorBundle.TryParse(string, out RekorBundle?, out string)"/>'s result.</summary>
    public static string Describe(bool parsed, RekorBundle? bundle, string error) =>
        parsed ? Line(bundle!.SignedEntryTimestamp, System.Text.Encoding.UTF8.GetString(bundle.Body.Span), bundle.IntegratedTime, bundle.LogIndex, bundle.LogId) : "error:" + error;

    private static string Line(byte[] set, string body, long integratedTime, long logIndex, string logId) =>
        $"{Convert.ToHexString(set)}|{body}|{integratedTime}|{logIndex}|{logId}";
}
