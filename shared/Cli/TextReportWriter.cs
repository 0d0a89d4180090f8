using System.Globalization;

namespace ImageTrust.Cli;

/// <summary>Short, human text for reports: one verdict line, then one line per reason and per signature.</summary>
internal static class TextReportWriter
{
    /// <summary>Writes <paramref name="report"/>.</summary>
    public static void Write(TextWriter writer, VerificationReport report)
    {
        var what = report.PredicateType is null ? string.Empty : $" attestation {report.PredicateType} for";
        if (report.Verified)
        {
            var authorities = report.SatisfiedAuthorities.Count > 0 ? $"; signed by {string.Join(", ", report.SatisfiedAuthorities)}" : string.Empty;
            TerminalText.WriteLine(writer, $"Verified{what} {report.Image} (rule {report.Rule}{authorities})");
        }
        else
        {
            TerminalText.WriteLine(writer, $"Verification FAILED{what} {report.Image}" + (report.Rule is null ? string.Empty : $" (rule {report.Rule})"));
            foreach (var message in report.Messages)
            {
                TerminalText.WriteLine(writer, $"  {message}");
            }
        }

        foreach (var warning in report.WarningMessages ?? [])
        {
            TerminalText.WriteLine(writer, $"  warning: {warning}");
        }

        var index = 0;
        foreach (var signature in report.Signatures)
        {
            index++;
            var where = signature.Location is null ? string.Empty : $" at {signature.Location}";
            TerminalText.WriteLine(writer, $"  [{index}] {signature.Kind}{where}: {(signature.Verified ? "ok" : signature.Reason)}{Describe(signature)}");
            if (!signature.Verified && signature.Detail is not null)
            {
                TerminalText.WriteLine(writer, $"      {signature.Detail}");
            }
        }
    }

    private static string Describe(SignatureReport signature)
    {
        var parts = new List<string>();
        if (signature.Authority is not null)
        {
            parts.Add($"authority {signature.Authority}");
        }

        if (signature.Identity is not null)
        {
            parts.Add($"identity {signature.Identity}");
        }

        if (signature.Issuer is not null)
        {
            parts.Add($"issuer {signature.Issuer}");
        }

        if (signature.KeyId is not null)
        {
            parts.Add($"key {(signature.KeyId.Length > 16 ? signature.KeyId[..16] : signature.KeyId)}");
        }

        if (signature.TlogIndex is { } tlogIndex)
        {
            var time = signature.IntegratedTime is { } integrated ? " at " + integrated.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : string.Empty;
            parts.Add($"tlog #{tlogIndex.ToString(CultureInfo.InvariantCulture)}{time}");
        }

        return parts.Count == 0 ? string.Empty : " — " + string.Join(", ", parts);
    }
}
