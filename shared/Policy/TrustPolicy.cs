using ImageTrust.Model;

namespace ImageTrust.Policy;

/// <summary>A validated trust policy: ordered rules, the first whose scope matches a repository applies.</summary>
internal sealed record TrustPolicy(IReadOnlyList<PolicyRule> Rules, string Version)
{
    /// <summary>The first rule whose scope matches the image's repository, or null when none does (the image is unmanaged).</summary>
    public PolicyRule? Match(ImageReference image) => Rules.FirstOrDefault(rule => rule.Covers(image));
}
