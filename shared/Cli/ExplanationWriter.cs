using System.Globalization;
using ImageTrust.Model;
using ImageTrust.Policy;

namespace ImageTrust.Cli;

/// <summary>
/// The <c>--explain</c> text (also printed under a failure in text mode): the rule's requirements, each authority it names with
/// what it accepts and which signature satisfied it, and for each signature what was checked and the first check that failed,
/// with the value found and the value expected. Identities and issuers are written as cosign writes them
/// (<c>got subjects [a, b] with issuer X</c>). Every line goes through <see cref="TerminalText"/>: SANs, issuers and registry
/// answers come from outside.
/// </summary>
internal static class ExplanationWriter
{
    private const string NoSanPrefix = "no SAN of [";
    private const string IssuerPrefix = "issuer '";

    /// <summary>Writes the explanation of <paramref name="report"/>, verified under <paramref name="rule"/>.</summary>
    public static void Write(TextWriter writer, VerificationReport report, PolicyRule rule)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(rule);
        var requirements = new List<string>
        {
            $"{rule.Threshold} of {rule.Authorities.Count} distinct authorit{(rule.Authorities.Count == 1 ? "y" : "ies")} must verify",
            rule.RequireTlog ? "transparency-log proof required" : "transparency-log proof not required (insecure-ignore-tlog)",
            rule.RequireSct ? "SCT required for keyless" : "SCT not required (insecure-ignore-sct)",
            "formats " + Formats(rule.Formats),
        };
        if (rule.RequireDockerReference)
        {
            requirements.Add("docker-reference must name this repository");
        }

        TerminalText.WriteLine(writer, $"Explanation (rule {rule.Name}: {string.Join("; ", requirements)}):");
        for (var i = 0; i < rule.Authorities.Count; i++)
        {
            var authority = rule.Authorities[i];
            var satisfiedBy = report.Signatures
                .Select((signature, index) => (signature, index))
                .Where(entry => entry.signature.Verified && entry.signature.Authority == authority.Name)
                .Select(entry => $"[{(entry.index + 1).ToString(CultureInfo.InvariantCulture)}]")
                .ToList();
            TerminalText.WriteLine(writer, $"  authority {authority.Name}: {Describe(authority)}");
            TerminalText.WriteLine(writer, satisfiedBy.Count > 0
                ? $"    satisfied by signature {string.Join(", ", satisfiedBy)}"
                : report.Signatures.Count == 0 ? "    not satisfied: no signature was found" : "    not satisfied by any signature");
        }

        if (report.Signatures.Count == 0)
        {
            TerminalText.WriteLine(writer, "  no signatures found" + (report.Messages.Count > 0 ? $": {report.Messages[0]}" : string.Empty));
            return;
        }

        for (var i = 0; i < report.Signatures.Count; i++)
        {
            WriteSignature(writer, report.Signatures[i], i + 1, rule);
        }
    }

    /// <summary>What an authority accepts, in cosign's words for identities.</summary>
    public static string Describe(Authority authority) => authority switch
    {
        KeyAuthority { KmsKeyUri: { } kms } => $"key {kms}",
        KeyAuthority key => "public key (PEM)" + Trust(key.Trust),
        KeylessAuthority keyless => $"keyless, {Expected(keyless)}" + Trust(keyless.Trust),
        _ => authority.Name,
    };

    /// <summary>An identity and issuer as expected: <c>subject X with issuer Y</c>, a regexp shown as <c>subject matching /re/</c>.</summary>
    public static string Expected(KeylessAuthority keyless)
        => $"subject {Matcher(keyless.Identity)} with issuer {Matcher(keyless.Issuer)}";

    private static void WriteSignature(TextWriter writer, SignatureReport signature, int index, PolicyRule rule)
    {
        var where = signature.Location is null ? string.Empty : $" at {signature.Location}";
        TerminalText.WriteLine(writer, $"  signature [{index.ToString(CultureInfo.InvariantCulture)}] {signature.Kind}{where}: {(signature.Verified ? "verified" : signature.Reason)}");
        if (signature.Checks.Count > 0)
        {
            TerminalText.WriteLine(writer, "    checked: " + string.Join(", ", signature.Checks.Select(check => $"{check.Step} {(check.Passed ? "ok" : "FAILED")}")));
        }

        if (signature.Verified)
        {
            if (signature.Identity is not null || signature.Issuer is not null)
            {
                TerminalText.WriteLine(writer, $"    got subjects [{signature.Identity}] with issuer {signature.Issuer}");
            }

            return;
        }

        var failed = signature.Checks.FirstOrDefault(check => !check.Passed);
        if (failed is null)
        {
            TerminalText.WriteLine(writer, $"    failed: {signature.Reason}{(signature.Detail is null ? string.Empty : ": " + signature.Detail)}");
            return;
        }

        TerminalText.WriteLine(writer, $"    first failed check: {failed.Step} ({failed.Reason})");
        TerminalText.WriteLine(writer, $"      found:    {Found(failed, signature)}");
        if (ExpectedFor(failed, rule) is { } expected)
        {
            TerminalText.WriteLine(writer, $"      expected: {expected}");
        }
    }

    private static string Found(CheckReport check, SignatureReport signature)
    {
        var detail = check.Detail ?? check.Reason;
        if (check.Reason == "IDENTITY_MISMATCH" && detail.StartsWith(NoSanPrefix, StringComparison.Ordinal)
            && detail.IndexOf("] matches ", StringComparison.Ordinal) is var end and > 0)
        {
            // The issuer matched (it is checked first), so the certificate's is the one the authority expects when exact.
            var issuer = signature.Issuer is null ? string.Empty : $" with issuer {signature.Issuer}";
            return $"got subjects [{detail[NoSanPrefix.Length..end]}]{issuer}";
        }

        if (check.Reason == "ISSUER_MISMATCH" && detail.StartsWith(IssuerPrefix, StringComparison.Ordinal)
            && detail.IndexOf("' does not match ", StringComparison.Ordinal) is var close and > 0)
        {
            return $"got issuer {detail[IssuerPrefix.Length..close]}";
        }

        return detail;
    }

    private static string? ExpectedFor(CheckReport check, PolicyRule rule)
    {
        var keyless = rule.Authorities.OfType<KeylessAuthority>().ToList();
        var keys = rule.Authorities.OfType<KeyAuthority>().ToList();
        return check.Reason switch
        {
            "IDENTITY_MISMATCH" when check.Step != "docker-reference" && keyless.Count > 0 => string.Join(" or ", keyless.Select(Expected)),
            "ISSUER_MISMATCH" when keyless.Count > 0 => string.Join(" or ", keyless.Select(authority => $"issuer {Matcher(authority.Issuer)}")),
            "SIGNATURE_INVALID" when keys.Count > 0 => "a signature by " + string.Join(" or ", keys.Select(key => $"{key.Name} ({Describe(key)})")),
            "TLOG_MISSING" => "a transparency-log proof (a Rekor bundle or inclusion proof); --insecure-ignore-tlog does without",
            "SCT_MISSING" => "an SCT in the certificate; --insecure-ignore-sct does without",
            _ => null,
        };
    }

    private static string Matcher(StringMatcher matcher) => matcher.Exact ?? $"matching regexp {matcher.Pattern}";

    private static string Trust(TrustMaterialSource? trust)
    {
        if (trust is null)
        {
            return "; trust: Sigstore public-good root";
        }

        var parts = new List<string>();
        Add(parts, "CA roots", trust.CaRootsPath);
        Add(parts, "CA intermediates", trust.CaIntermediatesPath);
        Add(parts, "Rekor key", trust.RekorPublicKeyPath);
        Add(parts, "CT log key", trust.CtLogPublicKeyPath);
        Add(parts, "trusted root", trust.TrustedRootPath);
        return parts.Count == 0 ? "; trust: Sigstore public-good root" : "; trust: " + string.Join(", ", parts);

        static void Add(List<string> parts, string what, string? path)
        {
            if (path is not null)
            {
                parts.Add($"{what} {path}");
            }
        }
    }

    private static string Formats(SignatureFormats formats) => formats switch
    {
        SignatureFormats.Classic => "classic .sig",
        SignatureFormats.Bundle => "Sigstore bundles",
        _ => "classic .sig and Sigstore bundles",
    };
}
