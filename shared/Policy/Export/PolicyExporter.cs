using System.Text;
using System.Text.Json.Nodes;
using ImageTrust.Model;

namespace ImageTrust.Policy.Export;

/// <summary>
/// Exports a trust policy's rules to an admission controller, one resource per rule, and refuses (naming the rule and the
/// construct) whatever the target cannot express exactly, so an exported policy is never weaker than ImageTrust's own rule.
/// The documents cover what <c>imagetrust verify --policy</c> decides about signatures and attestations; vulnerabilities and the
/// signature grace period are enforced by the ImageTrust functions, after admission, and are only named in annotations.
/// </summary>
internal static class PolicyExporter
{
    /// <summary>The annotation naming the ImageTrust rule a resource was exported from.</summary>
    public const string RuleAnnotation = "imagetrust.dev/rule";

    private const long MaxTrustFileBytes = 1024 * 1024;

    /// <summary>Exports <paramref name="policy"/>'s rules (all, or those named in <paramref name="ruleNames"/>).</summary>
    /// <exception cref="ConfigurationException">A name in <paramref name="ruleNames"/> is no rule of the policy, or a trust file can't be read.</exception>
    public static PolicyExport Export(TrustPolicy policy, PolicyExportTarget target, IReadOnlyCollection<string>? ruleNames = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        foreach (var name in ruleNames ?? [])
        {
            if (policy.Rules.All(rule => rule.Name != name))
            {
                throw new ConfigurationException($"--rule {name}: the policy has no such rule (rules: {string.Join(", ", policy.Rules.Select(rule => rule.Name))})");
            }
        }

        var documents = new List<JsonObject>();
        var refusals = new List<PolicyExportRefusal>();
        var notes = new List<string>
        {
            $"Exported by imagetrust policy export --format {(target == PolicyExportTarget.Kyverno ? "kyverno" : "policy-controller")} from a policy of version {policy.Version}.",
        };
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < policy.Rules.Count; index++)
        {
            var rule = policy.Rules[index];
            if (ruleNames is not null && !ruleNames.Contains(rule.Name))
            {
                continue;
            }

            var ruleRefusals = new List<PolicyExportRefusal>();
            CheckCommon(policy, index, target, ruleRefusals);
            var resourceName = ResourceName(rule.Name);
            if (!names.Add(resourceName))
            {
                ruleRefusals.Add(new(rule.Name, "name", $"two rules map to the resource name '{resourceName}'"));
            }

            var document = target == PolicyExportTarget.Kyverno
                ? KyvernoPolicyBuilder.Build(rule, resourceName, policy.Version, ruleRefusals)
                : PolicyControllerPolicyBuilder.Build(rule, resourceName, policy.Version, ruleRefusals);
            refusals.AddRange(ruleRefusals);
            if (ruleRefusals.Count == 0)
            {
                documents.Add(document);
                NoteWhatStaysWithImageTrust(rule, notes);
            }
        }

        notes.Add(target == PolicyExportTarget.Kyverno
            ? "Images no exported rule covers are not checked by these policies (imagetrust verify --policy fails them, NO_MATCHING_RULE; the functions record them UNMANAGED)."
            : "Images no exported rule covers get policy-controller's no-match-policy; exactness needs no-match-policy: deny, since policy-controller matches the reference as spelled (an upper-case registry host matches no glob).");
        notes.Add("The controller verifies with cosign, so the points in README \"Where ImageTrust is stricter than cosign\" apply to these policies too.");
        return refusals.Count > 0 ? new PolicyExport([], refusals, notes) : new PolicyExport(documents, [], notes);
    }

    /// <summary>A DNS-1123 name for the rule's resource: <c>imagetrust-</c> and the rule name in lower case, other characters as '-'.</summary>
    public static string ResourceName(string ruleName)
    {
        var builder = new StringBuilder("imagetrust-");
        foreach (var c in ruleName.ToLowerInvariant())
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '.' ? c : '-');
        }

        var name = builder.ToString().TrimEnd('-', '.');
        return name.Length <= 253 ? name : name[..253].TrimEnd('-', '.');
    }

    /// <summary>Reads a trust-material file named by the policy (already checked at load), bounded.</summary>
    /// <exception cref="ConfigurationException">The file can't be read any more.</exception>
    public static string ReadTrustFile(string path)
        => Encoding.UTF8.GetString(OperatorFile.Read(path, MaxTrustFileBytes, $"trust material {path}"));

    /// <summary>The CA roots file, followed by the intermediates file when the policy names one, as one PEM bundle.</summary>
    /// <exception cref="ConfigurationException">A file can't be read any more.</exception>
    public static string ReadCaBundle(string rootsPath, string? intermediatesPath)
    {
        var pem = ReadTrustFile(rootsPath);
        return intermediatesPath is null ? pem : pem.TrimEnd('\n') + "\n" + ReadTrustFile(intermediatesPath);
    }

    /// <summary>Whether an authority may be satisfied by the signature that satisfies another (then a count of distinct attestors would over-count).</summary>
    public static bool MaySatisfyBoth(Authority first, Authority second) => (first, second) switch
    {
        (KeylessAuthority, KeylessAuthority) => true,
        (KeyAuthority a, KeyAuthority b) => a.KmsKeyUri is not null || b.KmsKeyUri is not null
            || Normalize(a.PublicKeyPem) == Normalize(b.PublicKeyPem),
        _ => false,
    };

    private static string? Normalize(string? pem) => pem?.Replace("\r", string.Empty, StringComparison.Ordinal).Trim();

    private static void CheckCommon(TrustPolicy policy, int index, PolicyExportTarget target, List<PolicyExportRefusal> refusals)
    {
        var rule = policy.Rules[index];
        var targetName = target == PolicyExportTarget.Kyverno ? "Kyverno" : "policy-controller";
        if (rule.MultiArch != MultiArchRequirement.Index)
        {
            refusals.Add(new(rule.Name, $"multiArch: {(rule.MultiArch == MultiArchRequirement.EveryPlatform ? "every-platform" : "index-and-every-platform")}",
                $"{targetName} verifies the digest the pod names, never the platform manifests of an index"));
        }

        if (rule.RequireDockerReference)
        {
            refusals.Add(new(rule.Name, "dockerReference: required", $"{targetName} (cosign) does not check a signature's docker-reference"));
        }

        for (var earlier = 0; earlier < index; earlier++)
        {
            var other = policy.Rules[earlier];
            var overlap = rule.Scopes.SelectMany(scope => scope.Canonical)
                .SelectMany(mine => other.Scopes.SelectMany(scope => scope.Canonical).Select(theirs => (mine, theirs)))
                .FirstOrDefault(pair => GlobOverlap.Overlaps(pair.mine, pair.theirs));
            if (overlap.mine is not null)
            {
                refusals.Add(new(rule.Name, $"scope '{overlap.mine}' overlaps rule '{other.Name}' ('{overlap.theirs}')",
                    $"ImageTrust applies only the first rule that covers an image; {targetName} applies every policy that matches, so the later rule would be added to the earlier one"));
            }
        }
    }

    private static void NoteWhatStaysWithImageTrust(PolicyRule rule, List<string> notes)
    {
        var left = new List<string>();
        if (rule.Vulnerabilities is not null)
        {
            left.Add("vulnerabilities (Container Analysis findings, quarantined by the functions)");
        }

        if (rule.SignatureGracePeriod is not null)
        {
            left.Add("signatureGracePeriod (a pending state of the functions; at admission an unsigned image fails)");
        }

        if (left.Count > 0)
        {
            notes.Add($"Rule '{rule.Name}': enforced by ImageTrust, not at admission: {string.Join("; ", left)}.");
        }
    }
}
