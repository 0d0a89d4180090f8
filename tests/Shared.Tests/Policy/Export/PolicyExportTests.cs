using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cel;
using ImageTrust.Policy;
using ImageTrust.Policy.Export;

namespace ImageTrust.Shared.Tests.Policy.Export;

public sealed class PolicyExportTests : IDisposable
{
    private static readonly Lazy<CrdSchemaValidator> Kyverno = new(() => CrdSchemaValidator.Load("kyverno.policies.kyverno.io_imagevalidatingpolicies.yaml"));
    private static readonly Lazy<CrdSchemaValidator> PolicyController = new(() => CrdSchemaValidator.Load("policy-controller.clusterimagepolicy.yaml"));

    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();

    public PolicyExportTests()
    {
        _directory.Write("release.pub", PolicyTestFiles.EcPublicKeyPem);
    }

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string> Targets() => new("kyverno", "policy-controller");

    [Theory]
    [MemberData(nameof(Targets))]
    public void Export_ExamplePolicy_RefusesProductionNamingConstructsAndWritesNothing(string format)
    {
        var target = Target(format);
        var export = PolicyExporter.Export(LoadExample(), target);

        Assert.Empty(export.Documents);
        Assert.All(export.Refusals, refusal => Assert.Equal("production", refusal.Rule));
        Assert.Contains(export.Refusals, refusal => refusal.Construct == "multiArch: index-and-every-platform");
        if (target == PolicyExportTarget.PolicyController)
        {
            Assert.Contains(export.Refusals, refusal => refusal.Construct == "threshold 2 of 2");
            Assert.Contains(export.Refusals, refusal => refusal.Construct == "attestations");
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Export_ExamplePolicyStagingRule_SchemaValidAndReadsBack(string format)
    {
        var target = Target(format);
        var export = PolicyExporter.Export(LoadExample(), target, ["staging"]);

        Assert.Empty(export.Refusals);
        var document = Assert.Single(export.Documents);
        AssertValid(target, export);
        Assert.Equal("imagetrust-staging", document["metadata"]!["name"]!.GetValue<string>());
        var spec = document["spec"]!;
        if (target == PolicyExportTarget.Kyverno)
        {
            Assert.Equal("Audit", spec["validationActions"]![0]!.GetValue<string>());
            Assert.False(spec["validationConfigurations"]!["mutateDigest"]!.GetValue<bool>());
            Assert.Equal("google", spec["credentials"]!["providers"]![0]!.GetValue<string>());
            Assert.Equal("^https://github\\.com/acme/", spec["attestors"]![0]!["cosign"]!["keyless"]!["identities"]![0]!["subjectRegExp"]!.GetValue<string>());
            Assert.Equal("gcpkms://projects/acme-staging/locations/europe/keyRings/signing/cryptoKeys/cosign/cryptoKeyVersions/1", spec["attestors"]![1]!["cosign"]!["key"]!["kms"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal("warn", spec["mode"]!.GetValue<string>());
            Assert.Equal(4, spec["authorities"]!.AsArray().Count);
            Assert.Contains(spec["images"]!.AsArray(), image => image!["glob"]!.GetValue<string>() == "europe-docker.pkg.dev/acme-staging/**");
        }
    }

    [Fact]
    public void Export_ThresholdOfKeyAndKeylessToKyverno_CountsAttestors()
    {
        var policy = Load("""
            rules:
              - name: release
                scope: [registry.example/app/**]
                authorities:
                  - name: release-key
                    key: {path: release.pub}
                  - name: ci
                    keyless: {identity: ci@example.com, issuer: https://issuer.example}
                threshold: 2
                attestations:
                  - predicateType: https://slsa.dev/provenance/v1
                    authorities: [ci]
                    conditions:
                      - path: runDetails.builder.id
                        equals: https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main
                      - path: buildDefinition.buildType
                        matches: ^https://actions\.github\.io/
            """);

        var export = PolicyExporter.Export(policy, PolicyExportTarget.Kyverno);

        Assert.Empty(export.Refusals);
        AssertValid(PolicyExportTarget.Kyverno, export);
        var validations = export.Documents[0]["spec"]!["validations"]!.AsArray().Select(v => v!["expression"]!.GetValue<string>()).ToList();
        Assert.Equal("images.all(kind, images[kind].all(image, verifyImageSignatures(image, [attestors.a0, attestors.a1]) >= 2))", validations[0]);
        Assert.Equal("images.all(kind, images[kind].all(image, verifyAttestationSignatures(image, attestations.t0, [attestors.a1]) > 0))", validations[1]);
        Assert.Contains("extractPayload(image, attestations.t0).predicate[\"runDetails\"][\"builder\"][\"id\"] == \"https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main\"", validations[2], StringComparison.Ordinal);
        Assert.Contains(".matches(\"^https://actions\\\\.github\\\\.io/\")", validations[3], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kyverno", "threshold: 2\n    authorities:\n      - keyless: {identity: a@example.com, issuer: https://i}\n      - keyless: {identity: b@example.com, issuer: https://i}", "threshold 2 with authorities")]
    [InlineData("kyverno", "formats: [classic]\n    authorities:\n      - key: {path: release.pub}", "formats: [classic]")]
    [InlineData("kyverno", "dockerReference: required\n    authorities:\n      - key: {path: release.pub}", "dockerReference: required")]
    [InlineData("kyverno", "multiArch: every-platform\n    authorities:\n      - key: {path: release.pub}", "multiArch: every-platform")]
    [InlineData("policy-controller", "threshold: 2\n    authorities:\n      - key: {path: release.pub}\n      - keyless: {identity: a@example.com, issuer: https://i}", "threshold 2 of 2")]
    [InlineData("policy-controller", "tlog: insecure-ignore\n    authorities:\n      - keyless: {identity: a@example.com, issuer: https://i}", "tlog: insecure-ignore")]
    public void Export_ConstructTargetCannotExpress_RefusedNamingRuleAndConstruct(string format, string ruleBody, string construct)
    {
        var target = Target(format);
        var policy = Load($"""
            rules:
              - name: r1
                scope: [registry.example/app/**]
                {ruleBody}
            """);

        var export = PolicyExporter.Export(policy, target);

        Assert.Empty(export.Documents);
        var refusal = Assert.Single(export.Refusals, refusal => refusal.Construct.Contains(construct, StringComparison.Ordinal));
        Assert.Equal("r1", refusal.Rule);
        Assert.StartsWith("rule 'r1': ", refusal.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("registry.example/app/*-svc", "policy-controller", "also matches the ':' of a tag")]
    [InlineData("*.pkg.dev/p/**", "kyverno", "a wildcard in the registry host")]
    [InlineData("*.pkg.dev/p/**", "policy-controller", "a wildcard in the registry host")]
    [InlineData("[::1]:5000/p/app", "kyverno", "IPv6")]
    public void Export_ScopeWhoseGlobSemanticsDiffer_Refused(string scope, string format, string reason)
    {
        var target = Target(format);
        var policy = Load($"""
            rules:
              - name: r1
                scope: ["{scope}"]
                authorities:
                  - key: {"{"}path: release.pub{"}"}
            """);

        var export = PolicyExporter.Export(policy, target);

        var refusal = Assert.Single(export.Refusals);
        Assert.StartsWith("scope '", refusal.Construct, StringComparison.Ordinal);
        Assert.Contains(reason, refusal.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Export_LaterRuleOverlapsEarlier_RefusedBecauseTargetsApplyEveryMatch(string format)
    {
        var target = Target(format);
        var policy = Load("""
            rules:
              - name: prod
                scope: [registry.example/prod/**]
                authorities:
                  - key: {path: release.pub}
              - name: everything
                scope: [registry.example/**]
                authorities:
                  - keyless: {identity: a@example.com, issuer: https://i}
              - name: other
                scope: [other.example/app]
                authorities:
                  - key: {path: release.pub}
            """);

        var export = PolicyExporter.Export(policy, target);

        var refusal = Assert.Single(export.Refusals);
        Assert.Equal("everything", refusal.Rule);
        Assert.Contains("overlaps rule 'prod'", refusal.Construct, StringComparison.Ordinal);
        Assert.Empty(PolicyExporter.Export(policy, target, ["prod", "other"]).Refusals);
    }

    [Theory]
    [InlineData("europe-docker.pkg.dev/p/app/**", "europe-docker.pkg.dev/p/app/api:v1", true)]
    [InlineData("europe-docker.pkg.dev/p/app/**", "EUROPE-Docker.PKG.dev:443/p/app/api@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", true)]
    [InlineData("europe-docker.pkg.dev/p/app/**", "europe-docker.pkg.dev/p/application/api", false)]
    [InlineData("europe-docker.pkg.dev/p/app/**", "europe-docker.pkg.dev:5000/p/app/api", false)]
    [InlineData("europe-docker.pkg.dev/p/*", "europe-docker.pkg.dev/p/app:v1", true)]
    [InlineData("europe-docker.pkg.dev/p/*", "europe-docker.pkg.dev/p/app/api:v1", false)]
    [InlineData("registry.example:5000/p/app", "registry.example:05000/p/app:v1", true)]
    [InlineData("registry.example:5000/p/app", "registry.example:5000/p/app-two:v1", false)]
    [InlineData("registry.example:5000/p/app", "registry.example/p/app:v1", false)]
    [InlineData("docker.io/library/nginx", "nginx", true)]
    [InlineData("docker.io/library/nginx", "nginx:1.27", true)]
    [InlineData("docker.io/library/nginx", "library/nginx:1.27", true)]
    [InlineData("docker.io/library/nginx", "docker.io/nginx", true)]
    [InlineData("docker.io/library/nginx", "index.docker.io/library/nginx@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", true)]
    [InlineData("docker.io/library/nginx", "ghcr.io/library/nginx", false)]
    [InlineData("docker.io/library/nginx", "nginx-unprivileged", false)]
    [InlineData("docker.io/acme/*", "acme/app:v1", true)]
    [InlineData("docker.io/acme/*", "registry-1.docker.io/acme/app", true)]
    [InlineData("docker.io/acme/*", "acme.io/app", false)]
    public void KyvernoPattern_MatchesEverySpellingImageTrustCanonicalisesAndNoOther(string scope, string reference, bool expected)
    {
        // The pattern is evaluated by a CEL implementation, as Kyverno's matchImageReferences expression would be.
        var glob = Assert.Single(RepositoryGlob.Parse(scope).Canonical);
        var (pattern, refusal) = ScopeTranslation.KyvernoPattern(glob);
        Assert.Null(refusal);
        var program = new CelEnvironment(null, null).Compile($"ref.matches({CelText.Quote(pattern!)})");

        var matched = (bool)program(new Dictionary<string, object?> { ["ref"] = reference })!;

        Assert.Equal(expected, matched);
        Assert.Equal(expected, ImageTrustCovers(scope, reference));
    }

    [Theory]
    [InlineData("europe-docker.pkg.dev/p/app/**", "europe-docker.pkg.dev/p/app/api:v1", true)]
    [InlineData("europe-docker.pkg.dev/p/app/**", "europe-docker.pkg.dev:443/p/app/api:v1", true)]
    [InlineData("europe-docker.pkg.dev/p/app", "europe-docker.pkg.dev/p/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", true)]
    [InlineData("europe-docker.pkg.dev/p/app", "europe-docker.pkg.dev/p/app-two:v1", false)]
    [InlineData("europe-docker.pkg.dev/p/*", "europe-docker.pkg.dev/p/app/api:v1", false)]
    [InlineData("europe-docker.pkg.dev/p/app-*", "europe-docker.pkg.dev/p/app-two:v1", true)]
    [InlineData("registry.example:5000/p/app", "registry.example:05000/p/app:v1", true)]
    [InlineData("docker.io/library/nginx", "index.docker.io/library/nginx:latest", true)]
    [InlineData("docker.io/library/nginx", "registry-1.docker.io/library/nginx:latest", true)]
    public void PolicyControllerGlobs_MatchAsPolicyControllerMatchesName(string scope, string name, bool expected)
    {
        var glob = Assert.Single(RepositoryGlob.Parse(scope).Canonical);
        var (globs, refusal) = ScopeTranslation.PolicyControllerGlobs(glob);
        Assert.Null(refusal);

        Assert.Equal(expected, globs!.Any(candidate => PolicyControllerGlobMatches(candidate, name)));
    }

    [Fact]
    public void ToYaml_ReadsBackToTheSameDocuments()
    {
        var export = PolicyExporter.Export(LoadExample(), PolicyExportTarget.Kyverno, ["staging"]);

        var yaml = export.ToYaml();
        var read = CrdSchemaValidator.YamlDocuments(yaml);

        Assert.StartsWith("# Exported by imagetrust policy export", yaml, StringComparison.Ordinal);
        Assert.Equal(export.Documents.Select(d => d.ToJsonString()), read.Select(d => d.ToJsonString()));
    }

    [Fact]
    public void ToYaml_HostileStrings_StayInTheirScalar()
    {
        var documents = new[] { new JsonObject { ["a"] = "x\n---\nkind: Evil\n", ["b"] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", ["c"] = "yes", ["d"] = "\u202e#" } };

        var read = CrdSchemaValidator.YamlDocuments(YamlDocumentWriter.Write(documents, []));

        Assert.Equal(documents[0].ToJsonString(), Assert.Single(read).ToJsonString());
    }

    /// <summary>Validates each document against its CRD and, for Kyverno, compiles every CEL expression.</summary>
    internal static void AssertValid(PolicyExportTarget target, PolicyExport export)
    {
        var validator = target == PolicyExportTarget.Kyverno ? Kyverno.Value : PolicyController.Value;
        foreach (var document in CrdSchemaValidator.YamlDocuments(export.ToYaml()))
        {
            var problems = validator.Validate(document);
            Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + document.ToJsonString());
            if (target == PolicyExportTarget.Kyverno)
            {
                var spec = document["spec"]!;
                var expressions = spec["validations"]!.AsArray().Select(v => v!["expression"]!.GetValue<string>())
                    .Concat(spec["matchImageReferences"]!.AsArray().Select(m => m!["expression"]!.GetValue<string>()));
                foreach (var expression in expressions)
                {
                    // Throws on a syntax error (cel-spec grammar); Kyverno's own functions are only called, not type-checked here.
                    new CelEnvironment(null, null).Compile(expression);
                }
            }
        }
    }

    /// <summary>policy-controller's glob matching (pkg/apis/glob): '.' literal, '**' any run, '*' any run without '/', anchored.</summary>
    internal static bool PolicyControllerGlobMatches(string glob, string name)
    {
        var pattern = glob.Replace(".", "\\.", StringComparison.Ordinal).Replace("**", "#", StringComparison.Ordinal)
            .Replace("*", "[^/]*", StringComparison.Ordinal).Replace("#", ".*", StringComparison.Ordinal);
        return Regex.IsMatch(name, "^" + pattern + "$", RegexOptions.CultureInvariant);
    }

    private static PolicyExportTarget Target(string format) => format == "kyverno" ? PolicyExportTarget.Kyverno : PolicyExportTarget.PolicyController;

    private static bool ImageTrustCovers(string scope, string reference)
        => RepositoryGlob.Parse(scope).Matches(ImageTrust.Model.ImageReference.Parse(reference).RepositoryName);

    private static TrustPolicy LoadExample()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "shared", "Policy", "policy.example.yaml");
        return TrustPolicyLoader.Load(Path.GetFullPath(path));
    }

    private TrustPolicy Load(string rules)
        => TrustPolicyLoader.Parse("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\n" + rules, "policy.yaml", _directory.Path);
}
