using System.Globalization;
using System.Text;

namespace ImageTrust.Policy;

/// <summary>Writes minimal, valid policy files (used by <c>imagetrust policy init</c>).</summary>
internal static class TrustPolicyTemplate
{
    /// <summary>
    /// A one-rule, key-based policy. The key is a PEM path (written as given, so pass it relative to the policy file)
    /// or a <c>gcpkms://</c> URI. <c>enforce</c> and no grace period unless asked otherwise.
    /// </summary>
    public static string KeyBased(
        string ruleName,
        IReadOnlyList<string> scopes,
        string key,
        bool insecureIgnoreTlog,
        EnforcementMode mode = EnforcementMode.Enforce,
        TimeSpan? signatureGracePeriod = null)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var text = new StringBuilder();
        text.Append("# ImageTrust trust policy, written by `imagetrust policy init`.\n");
        text.Append("# Every field is described in shared/Policy/policy.example.yaml; check changes with `imagetrust policy validate FILE`.\n");
        text.Append("apiVersion: ").Append(TrustPolicyLoader.ApiVersion).Append('\n');
        text.Append("kind: ").Append(TrustPolicyLoader.Kind).Append('\n');
        text.Append("rules:\n");
        text.Append("  - name: ").Append(Quote(ruleName)).Append('\n');
        text.Append("    scope:\n");
        foreach (var scope in scopes)
        {
            text.Append("      - ").Append(Quote(scope)).Append('\n');
        }

        text.Append("    authorities:\n");
        text.Append("      - name: key\n");
        text.Append("        key:\n");
        text.Append(key.StartsWith("gcpkms://", StringComparison.Ordinal) ? "          kms: " : "          path: ").Append(Quote(key)).Append('\n');
        text.Append("    threshold: 1\n");
        if (insecureIgnoreTlog)
        {
            text.Append("    # No transparency-log proof is required: signatures are trusted on the key alone.\n");
        }

        text.Append("    tlog: ").Append(insecureIgnoreTlog ? "insecure-ignore" : "required").Append('\n');
        text.Append("    mode: ").Append(mode == EnforcementMode.Warn ? "warn" : "enforce").Append('\n');
        if (signatureGracePeriod is { } grace)
        {
            text.Append("    signatureGracePeriod: ").Append(GoDuration.Format(grace)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                < ' ' or '\u007f' => text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }
}
