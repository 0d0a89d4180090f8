using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cel;
using ImageTrust.Cli;
using ImageTrust.Policy;
using ImageTrust.Policy.Export;
using ImageTrust.Shared.Tests.Verification;
using ImageTrust.TestSupport.Fixtures;

namespace ImageTrust.Shared.Tests.Policy.Export;

/// <summary>
/// For every fixture scenario: its flags as a one-rule trust policy (the fixture policy), ImageTrust's verdict under it
/// (<c>imagetrust verify --policy</c> against the real registry), and the exported policy read back from its YAML and evaluated
/// with the target's semantics: Kyverno's CEL (a C# CEL implementation; <c>verifyImageSignatures</c> and
/// <c>verifyAttestationSignatures</c> count the attestors that admit a signer), policy-controller's glob matching and "any one
/// authority". The signers come from the catalog, not from ImageTrust: a scenario that independent tools verified with exact
/// flags tells who signed that digest and under which trust material and bypasses it verifies; an exported attestor admits a
/// signer when its key or identity and issuer match (exact, or a regexp) and it asks for no more (tlog, SCT) under the same
/// trust material.
/// </summary>
public sealed class PolicyExportEquivalenceTests : IClassFixture<FixtureRegistry>, IDisposable
{
    private readonly FixtureRegistry _registry;
    private readonly string _directory = Directory.CreateTempSubdirectory("imagetrust-export-").FullName;

    public PolicyExportEquivalenceTests(FixtureRegistry registry)
    {
        _registry = registry;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Export_EveryFixturePolicy_KyvernoAdmitsExactlyWhatImageTrustVerifies()
        => await CompareAsync(PolicyExportTarget.Kyverno, minimumCompared: 40);

    [Fact]
    public async Task Export_EveryFixturePolicy_PolicyControllerAdmitsExactlyWhatImageTrustVerifies()
        => await CompareAsync(PolicyExportTarget.PolicyController, minimumCompared: 15);

    private static Signer? SignerOf(FixtureScenario scenario, FixtureSet fixtures)
    {
        if (scenario.Expected != FixtureExpectation.Verified || scenario.Flag("certificate-identity-regexp") is not null || scenario.Flag("certificate-oidc-issuer-regexp") is not null)
        {
            return null;
        }

        var repository = fixtures.Repositories.Single(candidate => candidate.Name == scenario.Repository);
        var tag = scenario.Digest.Replace(':', '-');
        var formats = new HashSet<string>(StringComparer.Ordinal);
        if (repository.Tags.ContainsKey(tag + ".sig") || repository.Tags.ContainsKey(tag + ".att"))
        {
            formats.Add("classic");
        }

        if (repository.Tags.ContainsKey(tag))
        {
            formats.Add("bundle");
        }

        return new Signer(
            scenario.Digest,
            scenario.Command == "verify-attestation" ? scenario.Flag("type") : null,
            Read(scenario.Flag("key")),
            scenario.Flag("certificate-identity"),
            scenario.Flag("certificate-oidc-issuer"),
            Read(scenario.Flag("ca-roots")),
            Read(scenario.Flag("ca-intermediates")),
            Read(scenario.Flag("rekor-public-key")),
            Read(scenario.Flag("trusted-root")),
            scenario.Flag("insecure-ignore-tlog") is not null,
            scenario.Flag("insecure-ignore-sct") is not null,
            formats);
    }

    private static string? Read(string? path) => path is null ? null : File.ReadAllText(path);

    private static bool SamePem(string? a, string? b)
        => a is not null && b is not null && Regex.Replace(a, "\\s", string.Empty) == Regex.Replace(b, "\\s", string.Empty);

    private static bool MatchesSubject(JsonNode identity, string exactName, string regexpName, string? value)
    {
        if (value is null)
        {
            return false;
        }

        if (identity[exactName] is { } exact)
        {
            return exact.GetValue<string>() == value;
        }

        // Go's regexp (cosign) on the fixtures' patterns: anchored ASCII with escapes and '.*', read the same by .NET's engine.
        var pattern = identity[regexpName]!.GetValue<string>();
        Assert.Matches("^[A-Za-z0-9^$.\\\\/*:_@-]*$", pattern);
        return Regex.IsMatch(value, pattern, RegexOptions.CultureInvariant);
    }

    private async Task CompareAsync(PolicyExportTarget target, int minimumCompared)
    {
        var fixtures = _registry.Fixtures;
        var signers = fixtures.Scenarios.Select(scenario => SignerOf(scenario, fixtures)).OfType<Signer>().ToList();
        var mismatches = new List<string>();
        var refused = new List<string>();
        var compared = 0;
        var admittedCount = 0;
        foreach (var scenario in fixtures.Scenarios)
        {
            var policyPath = Path.Combine(_directory, $"{scenario.Name}.yaml");
            await File.WriteAllTextAsync(policyPath, FixturePolicy(scenario, _registry.HostPort));
            var verified = await ImageTrustVerifiesAsync(scenario, policyPath);

            var export = PolicyExporter.Export(TrustPolicyLoader.Load(policyPath), target);
            if (export.Refusals.Count > 0)
            {
                Assert.All(export.Refusals, refusal => Assert.Equal(scenario.Name, refusal.Rule));
                refused.Add($"{scenario.Name}: {string.Join("; ", export.Refusals.Select(r => r.Construct))}");
                continue;
            }

            PolicyExportTests.AssertValid(target, export);
            var document = Assert.Single(CrdSchemaValidator.YamlDocuments(export.ToYaml()));
            var reference = scenario.ReferenceAt(_registry.HostPort);
            var imageSigners = signers.Where(signer => signer.Digest == scenario.Digest).ToList();
            var admitted = target == PolicyExportTarget.Kyverno
                ? KyvernoAdmits(document, reference, imageSigners)
                : PolicyControllerAdmits(document, reference, imageSigners);
            compared++;
            admittedCount += admitted ? 1 : 0;
            if (admitted != verified)
            {
                mismatches.Add($"{scenario.Name}: ImageTrust {(verified ? "verified" : "failed")}, exported policy {(admitted ? "admits" : "denies")}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.True(compared >= minimumCompared, $"only {compared} scenarios exported; refused:\n{string.Join("\n", refused)}");

        // Both verdicts occur, so agreement is not the same answer every time.
        Assert.True(admittedCount >= minimumCompared / 3 && compared - admittedCount >= minimumCompared / 3, $"{admittedCount} of {compared} admitted");
    }

    private static bool KyvernoAdmits(JsonObject document, string reference, List<Signer> signers)
    {
        var spec = document["spec"]!;
        var matched = spec["matchImageReferences"]!.AsArray()
            .Any(match => (bool)new CelEnvironment(null, null).Compile(match!["expression"]!.GetValue<string>())(new Dictionary<string, object?> { ["ref"] = reference })!);
        Assert.True(matched, $"no matchImageReferences expression matches {reference}");

        var attestors = spec["attestors"]!.AsArray().ToDictionary(a => a!["name"]!.GetValue<string>(), a => a!["cosign"]!.AsObject());
        var attestations = spec["attestations"]?.AsArray().ToDictionary(a => a!["name"]!.GetValue<string>(), a => a!["intoto"]!["type"]!.GetValue<string>()) ?? [];
        var environment = new CelEnvironment(null, null);

        // Kyverno's functions: how many of the listed attestors verified the image (or its attestation of a type).
        environment.RegisterFunction("verifyImageSignatures", [typeof(object), typeof(object)], args =>
            (long)((object?[])args[1]!).Count(name => signers.Any(signer => signer.PredicateType is null && KyvernoAttestorAdmits(attestors[(string)name!], signer))));
        environment.RegisterFunction("verifyAttestationSignatures", [typeof(object), typeof(object), typeof(object)], args =>
            (long)((object?[])args[2]!).Count(name => signers.Any(signer => signer.PredicateType == attestations[(string)args[1]!] && KyvernoAttestorAdmits(attestors[(string)name!], signer))));
        var variables = new Dictionary<string, object?>
        {
            ["images"] = new Dictionary<string, object?> { ["containers"] = new List<object?> { reference }, ["initContainers"] = new List<object?>() },
            ["attestors"] = attestors.Keys.ToDictionary(name => name, name => (object?)name),
            ["attestations"] = attestations.Keys.ToDictionary(name => name, name => (object?)name),
        };
        return spec["validations"]!.AsArray().All(validation => (bool)environment.Compile(validation!["expression"]!.GetValue<string>())(variables)!);
    }

    private static bool KyvernoAttestorAdmits(JsonObject cosign, Signer signer)
    {
        var ctlog = cosign["ctlog"]!;
        var ignoreTlog = ctlog["insecureIgnoreTlog"]!.GetValue<bool>();
        if (!ignoreTlog && (signer.IgnoredTlog || !SameTransparencyLog(ctlog["rekorPubKey"]?.GetValue<string>(), cosign["trustedRoot"]?["value"]?.GetValue<string>(), signer)))
        {
            return false;
        }

        if (cosign["key"] is { } key)
        {
            return SamePem(key["data"]?.GetValue<string>(), signer.KeyPem);
        }

        var keyless = cosign["keyless"]!;
        var identity = keyless["identities"]![0]!;
        if (!ctlog["insecureIgnoreSCT"]!.GetValue<bool>() && signer.IgnoredSct)
        {
            return false;
        }

        var roots = keyless["roots"]?.GetValue<string>();
        var sameCa = roots is not null
            ? signer.CaRoots is not null && SamePem(roots, signer.CaRoots + signer.CaIntermediates)
            : signer.TrustedRoot is not null && cosign["trustedRoot"]?["value"]?.GetValue<string>() == signer.TrustedRoot;
        return sameCa
            && MatchesSubject(identity, "subject", "subjectRegExp", signer.Identity)
            && MatchesSubject(identity, "issuer", "issuerRegExp", signer.Issuer);
    }

    private static bool SameTransparencyLog(string? rekorKey, string? trustedRoot, Signer signer)
        => rekorKey is not null ? SamePem(rekorKey, signer.RekorKey) : trustedRoot is not null && trustedRoot == signer.TrustedRoot;

    private static bool PolicyControllerAdmits(JsonObject document, string reference, List<Signer> signers)
    {
        var spec = document["spec"]!;
        var matched = spec["images"]!.AsArray().Any(image => PolicyExportTests.PolicyControllerGlobMatches(image!["glob"]!.GetValue<string>(), reference));
        Assert.True(matched, $"no glob matches {reference}");

        // Any one authority admits the image.
        return spec["authorities"]!.AsArray().Any(authority => signers.Any(signer => signer.PredicateType is null && PolicyControllerAuthorityAdmits(authority!.AsObject(), signer)));
    }

    private static bool PolicyControllerAuthorityAdmits(JsonObject authority, Signer signer)
    {
        var format = authority["signatureFormat"]?.GetValue<string>() == "bundle" ? "bundle" : "classic";
        if (!signer.Formats.Contains(format))
        {
            return false;
        }

        if (authority["key"] is { } key)
        {
            // With ctlog the public-good Rekor is asked, which never logged a fixture; without it the log is skipped.
            return authority["ctlog"] is null && SamePem(key["data"]?.GetValue<string>(), signer.KeyPem);
        }

        // A keyless authority is always checked against the public-good Rekor keys (no fixture) unless a TrustRoot is named.
        return false;
    }

    private static string FixturePolicy(FixtureScenario scenario, string hostPort)
    {
        static string Quote(string value) => JsonSerializer.Serialize(value);
        var trust = new List<string>();
        foreach (var (flag, property) in new[] { ("ca-roots", "caRoots"), ("ca-intermediates", "caIntermediates"), ("rekor-public-key", "rekorPublicKey"), ("trusted-root", "trustedRoot") })
        {
            if (scenario.Flag(flag) is { } path)
            {
                trust.Add($"{property}: {Quote(path)}");
            }
        }

        var trustText = trust.Count == 0 ? string.Empty : $", trust: {{{string.Join(", ", trust)}}}";
        string authority;
        if (scenario.Flag("key") is { } key)
        {
            authority = $"key: {{path: {Quote(key)}{trustText}}}";
        }
        else
        {
            var identity = scenario.Flag("certificate-identity") is { } exact ? $"identity: {Quote(exact)}" : $"identityRegexp: {Quote(scenario.Flag("certificate-identity-regexp")!)}";
            var issuer = scenario.Flag("certificate-oidc-issuer") is { } exactIssuer ? $"issuer: {Quote(exactIssuer)}" : $"issuerRegexp: {Quote(scenario.Flag("certificate-oidc-issuer-regexp")!)}";
            authority = $"keyless: {{{identity}, {issuer}{trustText}}}";
        }

        var attestations = scenario.Command == "verify-attestation" ? $"\n    attestations:\n      - predicateType: {Quote(scenario.Flag("type")!)}" : string.Empty;
        return $"""
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: {scenario.Name}
                scope: [{Quote($"{hostPort}/{scenario.Repository}")}]
                authorities:
                  - name: signer
                    {authority}
                tlog: {(scenario.Flag("insecure-ignore-tlog") is null ? "required" : "insecure-ignore")}
                sct: {(scenario.Flag("insecure-ignore-sct") is null ? "required" : "insecure-ignore")}{attestations}

            """;
    }

    private async Task<bool> ImageTrustVerifiesAsync(FixtureScenario scenario, string policyPath)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, _ => null, _directory);
        string[] args = ["verify", scenario.ReferenceAt(_registry.HostPort), "--policy", policyPath, "--allow-http-registry", "--output", "json"];
        var exitCode = await CliApplication.RunAsync(args, ProductionServices.Create(), console);
        Assert.True(exitCode is ExitCodes.Verified or ExitCodes.VerificationFailed, $"{scenario.Name}: exit {exitCode}: {error}");
        return exitCode == ExitCodes.Verified;
    }

    /// <summary>Who signed a digest, as independent tools verified it: with which key or identity, trust material and bypasses.</summary>
    private sealed record Signer(
        string Digest,
        string? PredicateType,
        string? KeyPem,
        string? Identity,
        string? Issuer,
        string? CaRoots,
        string? CaIntermediates,
        string? RekorKey,
        string? TrustedRoot,
        bool IgnoredTlog,
        bool IgnoredSct,
        IReadOnlySet<string> Formats);
}
