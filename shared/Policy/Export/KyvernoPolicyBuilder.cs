using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ImageTrust.Policy.Export;

/// <summary>
/// One rule as a Kyverno <c>ImageValidatingPolicy</c> (<c>policies.kyverno.io/v1</c>). Each authority is a cosign attestor
/// named <c>a0</c>, <c>a1</c>, … (CEL identifiers; the ImageTrust names are in the <c>imagetrust.dev/attestors</c> annotation).
/// The threshold is <c>verifyImageSignatures(image, [attestors…]) &gt;= k</c>: Kyverno returns how many of the attestors
/// verified, which is k distinct authorities when no one signature can satisfy two of them (otherwise refused). Attestations
/// are <c>verifyAttestationSignatures(…) &gt; 0</c>, conditions are CEL over <c>extractPayload(…).predicate</c>.
/// </summary>
internal static class KyvernoPolicyBuilder
{
    private static readonly string[] GoogleHostSuffixes = [".pkg.dev", ".gcr.io"];

    /// <summary>Builds the resource; adds to <paramref name="refusals"/> what it can't express.</summary>
    public static JsonObject Build(PolicyRule rule, string resourceName, string policyVersion, List<PolicyExportRefusal> refusals)
    {
        var matches = new JsonArray();
        foreach (var canonical in rule.Scopes.SelectMany(scope => scope.Canonical))
        {
            var (pattern, refusal) = ScopeTranslation.KyvernoPattern(canonical);
            if (refusal is not null)
            {
                refusals.Add(new(rule.Name, $"scope '{canonical}'", refusal));
                continue;
            }

            matches.Add((JsonNode)new JsonObject { ["expression"] = $"ref.matches({CelText.Quote(pattern!)})" });
        }

        if (rule.Formats != SignatureFormats.Any)
        {
            refusals.Add(new(rule.Name, $"formats: [{(rule.Formats == SignatureFormats.Classic ? "classic" : "bundle")}]",
                "Kyverno picks the format itself (Sigstore bundles when any are attached, else classic .sig) and can't be held to one"));
        }

        if (rule.Threshold > 1)
        {
            for (var i = 0; i < rule.Authorities.Count; i++)
            {
                for (var j = i + 1; j < rule.Authorities.Count; j++)
                {
                    if (PolicyExporter.MaySatisfyBoth(rule.Authorities[i], rule.Authorities[j]))
                    {
                        refusals.Add(new(rule.Name, $"threshold {rule.Threshold} with authorities '{rule.Authorities[i].Name}' and '{rule.Authorities[j].Name}'",
                            "one signature could satisfy both, and Kyverno counts attestors that verified, not distinct signers"));
                    }
                }
            }
        }

        var attestorNames = new Dictionary<Authority, string>();
        var attestors = new JsonArray();
        string AttestorFor(Authority authority)
        {
            if (!attestorNames.TryGetValue(authority, out var name))
            {
                name = "a" + attestorNames.Count.ToString(CultureInfo.InvariantCulture);
                attestorNames[authority] = name;
                attestors.Add((JsonNode)new JsonObject { ["name"] = name, ["cosign"] = Cosign(rule, authority, refusals) });
            }

            return name;
        }

        var signers = rule.Authorities.Select(AttestorFor).ToList();
        var validations = new JsonArray
        {
            (JsonNode)new JsonObject
            {
                ["expression"] = ForEveryImage($"verifyImageSignatures(image, [{string.Join(", ", signers.Select(name => "attestors." + name))}]) >= {rule.Threshold.ToString(CultureInfo.InvariantCulture)}"),
                ["message"] = $"ImageTrust rule {rule.Name}: {rule.Threshold} of the distinct authorities {string.Join(", ", rule.Authorities.Select(a => a.Name))} must have signed",
            },
        };
        var attestations = new JsonArray();
        for (var i = 0; i < rule.Attestations.Count; i++)
        {
            var requirement = rule.Attestations[i];
            var attestationName = "t" + i.ToString(CultureInfo.InvariantCulture);
            attestations.Add((JsonNode)new JsonObject { ["name"] = attestationName, ["intoto"] = new JsonObject { ["type"] = requirement.PredicateType } });
            var attestationSigners = requirement.Authorities.Select(AttestorFor).ToList();
            validations.Add((JsonNode)new JsonObject
            {
                ["expression"] = ForEveryImage($"verifyAttestationSignatures(image, attestations.{attestationName}, [{string.Join(", ", attestationSigners.Select(name => "attestors." + name))}]) > 0"),
                ["message"] = $"ImageTrust rule {rule.Name}: a {requirement.PredicateType} attestation signed by {string.Join(" or ", requirement.Authorities.Select(a => a.Name))}",
            });
            foreach (var condition in requirement.Conditions)
            {
                if (Condition(rule, condition, attestationName, refusals) is { } expression)
                {
                    validations.Add((JsonNode)new JsonObject
                    {
                        ["expression"] = ForEveryImage(expression),
                        ["message"] = $"ImageTrust rule {rule.Name}: {requirement.PredicateType} predicate field {condition.Path} must {(condition.Value.Exact is null ? "match " + condition.Value.Pattern : "equal " + condition.Value.Exact)}",
                    });
                }
            }
        }

        var warn = rule.Mode == EnforcementMode.Warn;
        var spec = new JsonObject
        {
            ["failurePolicy"] = "Fail",
            ["validationActions"] = new JsonArray(warn ? "Audit" : "Deny"),
        };
        if (warn)
        {
            // Audit reports and admits: the pod keeps its reference as written, so the digest is neither rewritten nor required.
            spec["validationConfigurations"] = new JsonObject { ["mutateDigest"] = false, ["verifyDigest"] = false };
        }

        spec["matchConstraints"] = new JsonObject
        {
            ["resourceRules"] = new JsonArray(new JsonObject
            {
                ["apiGroups"] = new JsonArray(string.Empty),
                ["apiVersions"] = new JsonArray("v1"),
                ["operations"] = new JsonArray("CREATE", "UPDATE"),
                ["resources"] = new JsonArray("pods"),
            }),
        };
        spec["matchImageReferences"] = matches;
        if (rule.Scopes.SelectMany(scope => scope.Canonical).Any(IsGoogleRegistry))
        {
            // ImageTrust reads these registries with Google Application Default Credentials.
            spec["credentials"] = new JsonObject { ["providers"] = new JsonArray("google") };
        }

        spec["attestors"] = attestors;
        if (attestations.Count > 0)
        {
            spec["attestations"] = attestations;
        }

        spec["validations"] = validations;
        return new JsonObject
        {
            ["apiVersion"] = "policies.kyverno.io/v1",
            ["kind"] = "ImageValidatingPolicy",
            ["metadata"] = new JsonObject
            {
                ["name"] = resourceName,
                ["annotations"] = new JsonObject
                {
                    [PolicyExporter.RuleAnnotation] = rule.Name,
                    ["imagetrust.dev/policy-version"] = policyVersion,
                    ["imagetrust.dev/attestors"] = string.Join("; ", attestorNames.Select(entry => $"{entry.Value}={entry.Key.Name}")),
                },
            },
            ["spec"] = spec,
        };
    }

    private static bool IsGoogleRegistry(string canonicalGlob)
    {
        var host = canonicalGlob.Split('/')[0];
        return host == "gcr.io" || GoogleHostSuffixes.Any(suffix => host.EndsWith(suffix, StringComparison.Ordinal));
    }

    private static string ForEveryImage(string predicate) => $"images.all(kind, images[kind].all(image, {predicate}))";

    private static JsonObject Cosign(PolicyRule rule, Authority authority, List<PolicyExportRefusal> refusals)
    {
        var cosign = new JsonObject();
        var ctlog = new JsonObject { ["insecureIgnoreTlog"] = !rule.RequireTlog };
        TrustMaterialSource? trust;
        switch (authority)
        {
            case KeyAuthority { KmsKeyUri: { } kms } key:
                cosign["key"] = new JsonObject { ["kms"] = kms };
                trust = key.Trust;
                break;
            case KeyAuthority key:
                cosign["key"] = new JsonObject { ["data"] = key.PublicKeyPem };
                trust = key.Trust;
                break;
            case KeylessAuthority keyless:
                var identity = new JsonObject();
                identity[keyless.Identity.Exact is null ? "subjectRegExp" : "subject"] = keyless.Identity.Exact ?? keyless.Identity.Pattern;
                identity[keyless.Issuer.Exact is null ? "issuerRegExp" : "issuer"] = keyless.Issuer.Exact ?? keyless.Issuer.Pattern;
                var keylessObject = new JsonObject { ["identities"] = new JsonArray(identity) };
                if (keyless.Trust.CaRootsPath is { } roots)
                {
                    // Kyverno's attestor takes no intermediates of its own (it adds the public-good Fulcio ones): the policy's
                    // intermediates join the roots, where Go's x509 starts the chain from them, as cosign's own chain check does.
                    keylessObject["roots"] = PolicyExporter.ReadCaBundle(roots, keyless.Trust.CaIntermediatesPath);
                }

                cosign["keyless"] = keylessObject;
                ctlog["insecureIgnoreSCT"] = !rule.RequireSct;
                trust = keyless.Trust;
                break;
            default:
                throw new InvalidOperationException($"unknown authority {authority.GetType().Name}");
        }

        if (trust is not null)
        {
            if (trust.RekorPublicKeyPath is { } rekor)
            {
                ctlog["rekorPubKey"] = PolicyExporter.ReadTrustFile(rekor);
            }

            if (trust.CtLogPublicKeyPath is { } ctLog)
            {
                ctlog["ctLogPubKey"] = PolicyExporter.ReadTrustFile(ctLog);
            }

            if (trust.TrustedRootPath is { } trustedRoot)
            {
                cosign["trustedRoot"] = new JsonObject { ["value"] = PolicyExporter.ReadTrustFile(trustedRoot) };
            }
        }

        cosign["ctlog"] = ctlog;
        return cosign;
    }

    private static string? Condition(PolicyRule rule, PredicateCondition condition, string attestationName, List<PolicyExportRefusal> refusals)
    {
        var field = new StringBuilder($"extractPayload(image, attestations.{attestationName}).predicate");
        foreach (var segment in condition.Path.Split('.'))
        {
            // ImageTrust reads a number segment as an array index when the value there is an array, else as a key: CEL can't say both.
            if (segment.Length > 0 && segment.All(char.IsAsciiDigit))
            {
                refusals.Add(new(rule.Name, $"condition path '{condition.Path}'", "a numeric segment is an index or a key depending on the predicate; CEL must choose one"));
                return null;
            }

            field.Append('[').Append(CelText.Quote(segment)).Append(']');
        }

        if (condition.Value.Exact is { } exact)
        {
            if (LooksLikeJsonScalar(exact))
            {
                refusals.Add(new(rule.Name, $"condition {condition.Path} equals '{exact}'",
                    "ImageTrust compares a number or boolean field by its JSON text; CEL compares typed values"));
                return null;
            }

            return $"{field} == {CelText.Quote(exact)}";
        }

        // CEL's matches() is RE2, the syntax and meaning of ImageTrust's Go regexps; on a number or boolean field it is an error (denied).
        return $"{field}.matches({CelText.Quote(condition.Value.Pattern!)})";
    }

    private static bool LooksLikeJsonScalar(string text)
        => text is "true" or "false" or "null" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
