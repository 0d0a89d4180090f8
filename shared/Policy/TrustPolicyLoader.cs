using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ImageTrust.Model;

namespace ImageTrust.Policy;

/// <summary>
/// Loads a trust policy file: YAML → JSON Schema (<c>policy.schema.json</c>) → semantic checks → immutable records.
/// Key files are resolved relative to the policy file and read at load; trust-material files must exist.
/// Every error is a <see cref="ConfigurationException"/> naming the file, line and path, e.g.
/// <c>policy.yaml:12: rules[0].threshold: 3 exceeds the 2 authorities of the rule</c>.
/// </summary>
internal static class TrustPolicyLoader
{
    /// <summary>The <c>apiVersion</c> this loader reads.</summary>
    public const string ApiVersion = "imagetrust.dev/v1";

    /// <summary>The <c>kind</c> of a policy document.</summary>
    public const string Kind = "TrustPolicy";

    private const int MaxKeyFileBytes = 64 * 1024;
    private const int MaxTrustFileBytes = 16 * 1024 * 1024;

    /// <summary>Loads the policy at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigurationException">The file can't be read, or the policy is invalid.</exception>
    public static TrustPolicy Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = Path.GetFullPath(path);
        var bytes = OperatorFile.Read(fullPath, PolicyYamlReader.MaxLength, $"policy file {path}");
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new ConfigurationException($"{Path.GetFileName(path)}:1: (root): the policy file is not valid UTF-8", e);
        }

        return Parse(text, Path.GetFileName(fullPath), Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory());
    }

    /// <summary>Parses policy text; relative file names in it are resolved against <paramref name="baseDirectory"/>.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="sourceName">The name used in error messages, e.g. <c>policy.yaml</c>.</param>
    /// <param name="baseDirectory">The directory that relative key and trust-material paths are relative to.</param>
    /// <exception cref="ConfigurationException">The policy is invalid.</exception>
    public static TrustPolicy Parse(string text, string sourceName, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.TrimStart('\uFEFF');
        var document = PolicyYamlReader.Read(text, sourceName);
        PolicySchema.Validate(document);
        var mapper = new Mapper(document, baseDirectory);
        var rules = mapper.MapRules();
        return new TrustPolicy(rules, mapper.ComputeVersion(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Maps a schema-valid document to records, checking what the schema can't express.</summary>
    private sealed class Mapper
    {
        private readonly PolicyDocument _document;
        private readonly string _baseDirectory;
        private readonly List<(string Path, byte[] Hash)> _referencedFiles = [];

        public Mapper(PolicyDocument document, string baseDirectory)
        {
            _document = document;
            _baseDirectory = baseDirectory;
        }

        public IReadOnlyList<PolicyRule> MapRules()
        {
            var rules = new List<PolicyRule>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var array = _document.Root!["rules"]!.AsArray();
            for (var i = 0; i < array.Count; i++)
            {
                var pointer = PolicyDocument.Child("/rules", i);
                var rule = MapRule(array[i]!.AsObject(), pointer);
                if (!names.Add(rule.Name))
                {
                    throw Error(PolicyDocument.Child(pointer, "name"), $"duplicate rule name '{rule.Name}'");
                }

                rules.Add(rule);
            }

            return rules;
        }

        public string ComputeVersion(byte[] policyBytes)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(policyBytes);
            foreach (var (path, contentHash) in _referencedFiles)
            {
                hash.AppendData([0]);
                hash.AppendData(Encoding.UTF8.GetBytes(path));
                hash.AppendData([0]);
                hash.AppendData(contentHash);
            }

            return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        private PolicyRule MapRule(JsonObject rule, string pointer)
        {
            var name = rule["name"]!.GetValue<string>();
            var scopes = MapScopes(rule["scope"]!.AsArray(), PolicyDocument.Child(pointer, "scope"));
            var authoritiesPointer = PolicyDocument.Child(pointer, "authorities");
            var authorities = MapAuthorities(rule["authorities"]!.AsArray(), authoritiesPointer);
            var threshold = rule["threshold"] is { } thresholdNode ? ReadInteger(thresholdNode) : 1;
            if (threshold > authorities.Count)
            {
                throw Error(PolicyDocument.Child(pointer, "threshold"), $"{threshold} exceeds the {authorities.Count} authorit{(authorities.Count == 1 ? "y" : "ies")} of the rule");
            }

            TimeSpan? grace = null;
            if (rule["signatureGracePeriod"] is { } graceNode)
            {
                grace = Checked(PolicyDocument.Child(pointer, "signatureGracePeriod"), () => GoDuration.Parse(graceNode.GetValue<string>()));
            }

            return new PolicyRule(
                name,
                scopes,
                authorities,
                threshold,
                RequireTlog: OptionalString(rule, "tlog") != "insecure-ignore",
                RequireSct: OptionalString(rule, "sct") != "insecure-ignore",
                Mode: OptionalString(rule, "mode") == "warn" ? EnforcementMode.Warn : EnforcementMode.Enforce,
                SignatureGracePeriod: grace,
                MultiArch: OptionalString(rule, "multiArch") switch
                {
                    "every-platform" => MultiArchRequirement.EveryPlatform,
                    "index-and-every-platform" => MultiArchRequirement.IndexAndEveryPlatform,
                    _ => MultiArchRequirement.Index,
                },
                Formats: MapFormats(rule["formats"] as JsonArray),
                Attestations: MapAttestations(rule["attestations"] as JsonArray, PolicyDocument.Child(pointer, "attestations"), authorities),
                Vulnerabilities: rule["vulnerabilities"] is JsonObject vulnerabilities
                    ? MapVulnerabilities(vulnerabilities, PolicyDocument.Child(pointer, "vulnerabilities"))
                    : null)
            {
                RequireDockerReference = OptionalString(rule, "dockerReference") == "required",
            };
        }

        private List<RepositoryGlob> MapScopes(JsonArray array, string pointer)
        {
            var scopes = new List<RepositoryGlob>();
            for (var i = 0; i < array.Count; i++)
            {
                var glob = array[i]!.GetValue<string>();
                scopes.Add(Checked(PolicyDocument.Child(pointer, i), () => RepositoryGlob.Parse(glob)));
            }

            return scopes;
        }

        private List<Authority> MapAuthorities(JsonArray array, string pointer)
        {
            var authorities = new List<Authority>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < array.Count; i++)
            {
                var itemPointer = PolicyDocument.Child(pointer, i);
                var authority = MapAuthority(array[i]!.AsObject(), itemPointer);
                if (!names.Add(authority.Name))
                {
                    throw Error(itemPointer, $"duplicate authority '{authority.Name}' in this rule; give each a distinct 'name'");
                }

                authorities.Add(authority);
            }

            return authorities;
        }

        private Authority MapAuthority(JsonObject authority, string pointer)
        {
            var explicitName = OptionalString(authority, "name");
            var key = authority["key"] as JsonObject;
            var keyless = authority["keyless"] as JsonObject;
            if ((key is null) == (keyless is null))
            {
                throw Error(pointer, "an authority has exactly one of 'key' or 'keyless'");
            }

            return key is not null
                ? MapKey(key, PolicyDocument.Child(pointer, "key"), explicitName)
                : MapKeyless(keyless!, PolicyDocument.Child(pointer, "keyless"), explicitName);
        }

        private KeyAuthority MapKey(JsonObject key, string pointer, string? name)
        {
            var sources = new[] { "path", "pem", "kms" }.Count(key.ContainsKey);
            if (sources != 1)
            {
                throw Error(pointer, "a key has exactly one of 'path', 'pem' or 'kms'");
            }

            var trust = key["trust"] is JsonObject trustObject ? MapTrust(trustObject, PolicyDocument.Child(pointer, "trust")) : null;
            if (OptionalString(key, "kms") is { } kms)
            {
                // The same parse the verifier uses, so a reference it would refuse fails at load time, not at the first verification.
                try
                {
                    CloudKmsKeyName.Parse(kms);
                }
                catch (FormatException ex)
                {
                    throw Error(PolicyDocument.Child(pointer, "kms"), ex.Message);
                }

                return new KeyAuthority(name ?? kms, null, kms, trust);
            }

            if (OptionalString(key, "pem") is { } pem)
            {
                Checked(PolicyDocument.Child(pointer, "pem"), () => PublicKeyPem.Validate(pem));
                _referencedFiles.Add(("(inline pem)", SHA256.HashData(Encoding.UTF8.GetBytes(pem))));
                return new KeyAuthority(name ?? "key-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pem.Trim())))[..12], pem, null, trust);
            }

            var pathPointer = PolicyDocument.Child(pointer, "path");
            var written = key["path"]!.GetValue<string>();
            var bytes = ReadReferenced(written, pathPointer, MaxKeyFileBytes);
            string text;
            try
            {
                text = new UTF8Encoding(false, true).GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw Error(pathPointer, $"key file {written} is not PEM text", e);
            }

            Checked(pathPointer, () => PublicKeyPem.Validate(text), $"key file {written}: ");
            return new KeyAuthority(name ?? written, text, null, trust);
        }

        private KeylessAuthority MapKeyless(JsonObject keyless, string pointer, string? name)
        {
            var identity = MapMatcher(keyless, pointer, "identity", "identityRegexp");
            var issuer = MapMatcher(keyless, pointer, "issuer", "issuerRegexp");
            var trust = keyless["trust"] is JsonObject trustObject
                ? MapTrust(trustObject, PolicyDocument.Child(pointer, "trust"))
                : new TrustMaterialSource(null, null, null, null, null);
            return new KeylessAuthority(name ?? $"{identity}@{issuer}", identity, issuer, trust);
        }

        private StringMatcher MapMatcher(JsonObject obj, string pointer, string exactName, string regexpName)
        {
            var exact = OptionalString(obj, exactName);
            var regexp = OptionalString(obj, regexpName);
            if ((exact is null) == (regexp is null))
            {
                throw Error(pointer, $"keyless authority needs exactly one of '{exactName}' or '{regexpName}'");
            }

            return exact is not null
                ? StringMatcher.ExactValue(exact)
                : Checked(PolicyDocument.Child(pointer, regexpName), () => StringMatcher.Regexp(regexp!));
        }

        private TrustMaterialSource MapTrust(JsonObject trust, string pointer)
        {
            string? Resolve(string property)
            {
                if (OptionalString(trust, property) is not { } written)
                {
                    return null;
                }

                var propertyPointer = PolicyDocument.Child(pointer, property);
                ReadReferenced(written, propertyPointer, MaxTrustFileBytes);
                return ResolvePath(written);
            }

            return new TrustMaterialSource(
                Resolve("caRoots"),
                Resolve("caIntermediates"),
                Resolve("rekorPublicKey"),
                Resolve("ctLogPublicKey"),
                Resolve("trustedRoot"));
        }

        private static SignatureFormats MapFormats(JsonArray? formats)
        {
            if (formats is null)
            {
                return SignatureFormats.Any;
            }

            var result = (SignatureFormats)0;
            foreach (var format in formats)
            {
                result |= format!.GetValue<string>() == "classic" ? SignatureFormats.Classic : SignatureFormats.Bundle;
            }

            return result;
        }

        private List<AttestationRequirement> MapAttestations(JsonArray? array, string pointer, IReadOnlyList<Authority> ruleAuthorities)
        {
            var requirements = new List<AttestationRequirement>();
            if (array is null)
            {
                return requirements;
            }

            var predicateTypes = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < array.Count; i++)
            {
                var itemPointer = PolicyDocument.Child(pointer, i);
                var attestation = array[i]!.AsObject();
                var predicateType = attestation["predicateType"]!.GetValue<string>();
                if (!Uri.TryCreate(predicateType, UriKind.Absolute, out _))
                {
                    throw Error(PolicyDocument.Child(itemPointer, "predicateType"), $"'{predicateType}' is not an absolute URI");
                }

                if (!predicateTypes.Add(predicateType))
                {
                    throw Error(PolicyDocument.Child(itemPointer, "predicateType"), $"predicate type '{predicateType}' is required twice in this rule");
                }

                var authorities = attestation["authorities"] is JsonArray listed
                    ? MapAttestationAuthorities(listed, PolicyDocument.Child(itemPointer, "authorities"), ruleAuthorities)
                    : ruleAuthorities;
                var conditions = new List<PredicateCondition>();
                if (attestation["conditions"] is JsonArray conditionArray)
                {
                    for (var c = 0; c < conditionArray.Count; c++)
                    {
                        var conditionPointer = PolicyDocument.Child(PolicyDocument.Child(itemPointer, "conditions"), c);
                        var condition = conditionArray[c]!.AsObject();
                        var path = condition["path"]!.GetValue<string>();
                        var matcher = OptionalString(condition, "equals") is { } equals
                            ? StringMatcher.ExactValue(equals)
                            : Checked(PolicyDocument.Child(conditionPointer, "matches"), () => StringMatcher.Regexp(condition["matches"]!.GetValue<string>()));
                        conditions.Add(new PredicateCondition(path, matcher));
                    }
                }

                requirements.Add(new AttestationRequirement(predicateType, authorities, conditions));
            }

            return requirements;
        }

        private List<Authority> MapAttestationAuthorities(JsonArray array, string pointer, IReadOnlyList<Authority> ruleAuthorities)
        {
            var authorities = new List<Authority>();
            for (var i = 0; i < array.Count; i++)
            {
                var itemPointer = PolicyDocument.Child(pointer, i);
                Authority authority;
                if (array[i] is JsonObject inline)
                {
                    authority = MapAuthority(inline, itemPointer);
                }
                else
                {
                    var reference = array[i]!.GetValue<string>();
                    authority = ruleAuthorities.FirstOrDefault(candidate => candidate.Name == reference)
                        ?? throw Error(itemPointer, $"no authority named '{reference}' in this rule (known: {string.Join(", ", ruleAuthorities.Select(a => a.Name))})");
                }

                if (authorities.Any(existing => existing.Name == authority.Name))
                {
                    throw Error(itemPointer, $"duplicate authority '{authority.Name}'");
                }

                authorities.Add(authority);
            }

            return authorities;
        }

        private VulnerabilityPolicy MapVulnerabilities(JsonObject vulnerabilities, string pointer)
        {
            var severity = vulnerabilities["blockAtOrAbove"]!.GetValue<string>() switch
            {
                "MINIMAL" => Severity.Minimal,
                "LOW" => Severity.Low,
                "MEDIUM" => Severity.Medium,
                "HIGH" => Severity.High,
                _ => Severity.Critical,
            };
            var onlyWithFix = vulnerabilities["onlyWithFix"]?.GetValue<bool>() ?? false;
            var allowlist = new List<AllowedVulnerability>();
            if (vulnerabilities["allowlist"] is JsonArray array)
            {
                var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < array.Count; i++)
                {
                    var itemPointer = PolicyDocument.Child(PolicyDocument.Child(pointer, "allowlist"), i);
                    var entry = array[i]!.AsObject();
                    var id = entry["id"]!.GetValue<string>();
                    if (!ids.Add(id))
                    {
                        throw Error(PolicyDocument.Child(itemPointer, "id"), $"'{id}' is allowlisted twice");
                    }

                    DateTimeOffset? expires = null;
                    if (OptionalString(entry, "expires") is { } expiresText)
                    {
                        expires = Checked(PolicyDocument.Child(itemPointer, "expires"), () => ParseExpiry(expiresText));
                    }

                    allowlist.Add(new AllowedVulnerability(id, expires, OptionalString(entry, "reason")));
                }
            }

            return new VulnerabilityPolicy(severity, onlyWithFix, allowlist);
        }

        private static DateTimeOffset ParseExpiry(string text)
        {
            // A bare date means the exemption ends at the start of that day, UTC.
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
            {
                return instant;
            }

            throw new FormatException($"'{text}' is not a date (2027-01-31) or an RFC 3339 time");
        }

        private byte[] ReadReferenced(string written, string pointer, int maxBytes)
        {
            var resolved = ResolvePath(written);
            if (!File.Exists(resolved))
            {
                throw Error(pointer, $"file not found: {resolved}");
            }

            byte[] bytes;
            try
            {
                bytes = OperatorFile.Read(resolved, maxBytes, $"file {resolved}");
            }
            catch (ConfigurationException e)
            {
                throw Error(pointer, e.Message, e);
            }

            _referencedFiles.Add((written, SHA256.HashData(bytes)));
            return bytes;
        }

        private string ResolvePath(string written) => Path.GetFullPath(Path.Combine(_baseDirectory, written));

        private static string? OptionalString(JsonObject obj, string property) => obj[property]?.GetValue<string>();

        private static int ReadInteger(JsonNode node)
        {
            var value = node.AsValue();
            if (value.TryGetValue<long>(out var integer))
            {
                return (int)Math.Clamp(integer, int.MinValue, int.MaxValue);
            }

            if (value.TryGetValue<double>(out var number))
            {
                return (int)Math.Clamp(number, int.MinValue, int.MaxValue);
            }

            return (int)Math.Clamp(value.GetValue<decimal>(), int.MinValue, int.MaxValue);
        }

        private T Checked<T>(string pointer, Func<T> parse, string prefix = "")
        {
            try
            {
                return parse();
            }
            catch (FormatException e)
            {
                throw Error(pointer, prefix + e.Message, e);
            }
        }

        private ConfigurationException Error(string pointer, string message, Exception? inner = null)
            => new(_document.ErrorAt(pointer, message).ToString(), inner);
    }
}
