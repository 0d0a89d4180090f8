using ImageTrust.Signing.Verifier;

namespace ImageTrust.Verification;

/// <summary>
/// Counts distinct authorities for a threshold: each authority counts once however often it signed, and each signer
/// (one key, or one issuer and identity) counts for at most one authority, so one signer listed twice in a policy can't
/// meet k = 2 alone. The count is a maximum bipartite matching between signers and the authorities they satisfy.
/// </summary>
internal static class DistinctAuthorities
{
    /// <summary>The authorities matched to distinct signers, in policy-independent order of discovery.</summary>
    public static IReadOnlyList<string> Match(IEnumerable<SignatureOutcome> outcomes)
    {
        var signers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var anonymous = 0;
        foreach (var outcome in outcomes)
        {
            if (outcome.SatisfiedAuthorities.Count == 0)
            {
                continue;
            }

            var signer = outcome.SignerId ?? $"anonymous:{anonymous++}";
            if (!signers.TryGetValue(signer, out var authorities))
            {
                signers[signer] = authorities = new HashSet<string>(StringComparer.Ordinal);
            }

            authorities.UnionWith(outcome.SatisfiedAuthorities);
        }

        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var signer in signers.Keys)
        {
            TryAssign(signer, signers, owner, new HashSet<string>(StringComparer.Ordinal));
        }

        return [.. owner.Keys.Order(StringComparer.Ordinal)];
    }

    private static bool TryAssign(string signer, Dictionary<string, HashSet<string>> signers, Dictionary<string, string> owner, HashSet<string> visited)
    {
        foreach (var authority in signers[signer].Order(StringComparer.Ordinal))
        {
            if (!visited.Add(authority))
            {
                continue;
            }

            if (!owner.TryGetValue(authority, out var current) || TryAssign(current, signers, owner, visited))
            {
                owner[authority] = signer;
                return true;
            }
        }

        return false;
    }
}
