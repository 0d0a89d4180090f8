using System.Text.Json.Nodes;

namespace ImageTrust.Policy.Export;

/// <summary>
/// One rule as a policy-controller <c>ClusterImagePolicy</c> (<c>policy.sigstore.dev/v1beta1</c>). policy-controller admits an
/// image when any one authority verifies, so only threshold 1 is expressible; with both signature formats each ImageTrust
/// authority becomes two (<c>signatureFormat</c> legacy and bundle), which keeps "any one". A key authority gets
/// <c>ctlog.url</c> when a transparency-log proof is required (without <c>ctlog</c> policy-controller skips the log for keys);
/// a keyless one always has the log checked, so <c>insecure-ignore</c> can't be expressed for it.
/// </summary>
internal static class PolicyControllerPolicyBuilder
{
    private const string PublicGoodRekor = "https://rekor.sigstore.dev";

    /// <summary>Builds the resource; adds to <paramref name="refusals"/> what it can't express.</summary>
    public static JsonObject Build(PolicyRule rule, string resourceName, string policyVersion, List<PolicyExportRefusal> refusals)
    {
        var images = new JsonArray();
        foreach (var canonical in rule.Scopes.SelectMany(scope => scope.Canonical))
        {
            var (globs, refusal) = ScopeTranslation.PolicyControllerGlobs(canonical);
            if (refusal is not null)
            {
                refusals.Add(new(rule.Name, $"scope '{canonical}'", refusal));
                continue;
            }

            foreach (var glob in globs!)
            {
                images.Add((JsonNode)new JsonObject { ["glob"] = glob });
            }
        }

        if (rule.Threshold > 1)
        {
            refusals.Add(new(rule.Name, $"threshold {rule.Threshold} of {rule.Authorities.Count}",
                "policy-controller admits an image when any one authority verifies; counting distinct authorities needs a CUE or Rego policy this export does not write"));
        }

        if (rule.Attestations.Count > 0)
        {
            refusals.Add(new(rule.Name, "attestations",
                "a policy-controller authority with attestations checks them instead of its signatures, and any one authority admits: 'signed AND attested' needs a CUE or Rego policy this export does not write"));
        }

        var authorities = new JsonArray();
        foreach (var authority in rule.Authorities)
        {
            var formats = rule.Formats switch
            {
                SignatureFormats.Classic => new[] { (string?)null },
                SignatureFormats.Bundle => ["bundle"],
                _ => [null, "bundle"],
            };
            var template = Authority(rule, authority, refusals);
            foreach (var format in formats)
            {
                var entry = (JsonObject)template.DeepClone();
                entry["name"] = AuthorityName(authority.Name, format, formats.Length);
                if (format is not null)
                {
                    entry["signatureFormat"] = format;
                }

                authorities.Add((JsonNode)entry);
            }
        }

        return new JsonObject
        {
            ["apiVersion"] = "policy.sigstore.dev/v1beta1",
            ["kind"] = "ClusterImagePolicy",
            ["metadata"] = new JsonObject
            {
                ["name"] = resourceName,
                ["annotations"] = new JsonObject
                {
                    [PolicyExporter.RuleAnnotation] = rule.Name,
                    ["imagetrust.dev/policy-version"] = policyVersion,
                },
            },
            ["spec"] = new JsonObject
            {
                ["images"] = images,
                ["authorities"] = authorities,
                ["mode"] = rule.Mode == EnforcementMode.Warn ? "warn" : "enforce",
            },
        };
    }

    private static string AuthorityName(string name, string? format, int formats)
    {
        var baseName = PolicyExporter.ResourceName(name)["imagetrust-".Length..];
        return formats == 1 ? baseName : $"{baseName}-{format ?? "legacy"}";
    }

    private static JsonObject Authority(PolicyRule rule, Authority authority, List<PolicyExportRefusal> refusals)
    {
        var entry = new JsonObject();
        TrustMaterialSource? trust;
        switch (authority)
        {
            case KeyAuthority key:
                entry["key"] = key.KmsKeyUri is { } kms ? new JsonObject { ["kms"] = kms } : new JsonObject { ["data"] = key.PublicKeyPem };
                if (rule.RequireTlog)
                {
                    entry["ctlog"] = new JsonObject { ["url"] = PublicGoodRekor };
                }

                trust = key.Trust;
                break;
            case KeylessAuthority keyless:
                var identity = new JsonObject();
                identity[keyless.Issuer.Exact is null ? "issuerRegExp" : "issuer"] = keyless.Issuer.Exact ?? keyless.Issuer.Pattern;
                identity[keyless.Identity.Exact is null ? "subjectRegExp" : "subject"] = keyless.Identity.Exact ?? keyless.Identity.Pattern;
                var keylessObject = new JsonObject { ["identities"] = new JsonArray(identity) };
                if (keyless.Trust.CaRootsPath is { } roots)
                {
                    // policy-controller splits the PEM into roots (self-signed) and intermediates.
                    keylessObject["ca-cert"] = new JsonObject { ["data"] = PolicyExporter.ReadCaBundle(roots, keyless.Trust.CaIntermediatesPath) };
                }

                if (!rule.RequireSct)
                {
                    keylessObject["insecureIgnoreSCT"] = true;
                }

                if (!rule.RequireTlog)
                {
                    refusals.Add(new(rule.Name, $"authority '{authority.Name}': tlog: insecure-ignore",
                        "policy-controller always checks the transparency log of a keyless signature"));
                }

                entry["keyless"] = keylessObject;
                trust = keyless.Trust;
                break;
            default:
                throw new InvalidOperationException($"unknown authority {authority.GetType().Name}");
        }

        if (trust is not null)
        {
            foreach (var (path, what) in new[] { (trust.RekorPublicKeyPath, "rekorPublicKey"), (trust.CtLogPublicKeyPath, "ctLogPublicKey"), (trust.TrustedRootPath, "trustedRoot") })
            {
                if (path is not null)
                {
                    refusals.Add(new(rule.Name, $"authority '{authority.Name}': trust.{what}",
                        "policy-controller takes custom transparency-log keys and trusted roots only from a TrustRoot resource, which this export does not write"));
                }
            }

            if (authority is KeyAuthority && (trust.CaRootsPath is not null || trust.CaIntermediatesPath is not null))
            {
                refusals.Add(new(rule.Name, $"authority '{authority.Name}': certificate authorities for a key", "a key authority has no certificate chain in policy-controller"));
            }
        }

        return entry;
    }
}
