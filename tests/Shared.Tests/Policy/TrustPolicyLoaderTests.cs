using ImageTrust.Model;
using ImageTrust.Policy;

namespace ImageTrust.Shared.Tests.Policy;

public sealed class TrustPolicyLoaderTests
{
    private const string Header = "apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\n";

    private static readonly string ValidRule = """
        rules:
          - name: prod
            scope: [europe-docker.pkg.dev/p/r/**]
            authorities:
              - name: k
                key:
                  pem: |
        """ + "\n" + Indent(PolicyTestFiles.EcPublicKeyPem, 12) + "\n";

    [Fact]
    public void Load_ExamplePolicy_LoadsEveryField()
    {
        var policy = TrustPolicyLoader.Load(PolicyTestFiles.ExamplePolicyPath);

        Assert.Equal(["production", "staging"], policy.Rules.Select(rule => rule.Name));
        var production = policy.Rules[0];
        Assert.Equal(2, production.Threshold);
        Assert.True(production.RequireTlog);
        Assert.True(production.RequireSct);
        Assert.Equal(EnforcementMode.Enforce, production.Mode);
        Assert.Equal(TimeSpan.FromMinutes(10), production.SignatureGracePeriod);
        Assert.Equal(MultiArchRequirement.IndexAndEveryPlatform, production.MultiArch);
        Assert.Equal(SignatureFormats.Any, production.Formats);
        var key = Assert.IsType<KeyAuthority>(production.Authorities[0]);
        Assert.Equal("release-key", key.Name);
        Assert.Contains("BEGIN PUBLIC KEY", key.PublicKeyPem, StringComparison.Ordinal);
        var keyless = Assert.IsType<KeylessAuthority>(production.Authorities[1]);
        Assert.Null(keyless.Identity.Exact);
        Assert.True(keyless.Identity.IsMatch("https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3"));
        Assert.False(keyless.Identity.IsMatch("https://github.com/evil/app/.github/workflows/release.yml@refs/tags/v1"));
        Assert.Equal("https://token.actions.githubusercontent.com", keyless.Issuer.Exact);
        Assert.Equal(new TrustMaterialSource(null, null, null, null, null), keyless.Trust);
        var attestation = Assert.Single(production.Attestations);
        Assert.Equal("https://slsa.dev/provenance/v1", attestation.PredicateType);
        Assert.Same(keyless, Assert.Single(attestation.Authorities));
        Assert.Equal("runDetails.builder.id", Assert.Single(attestation.Conditions).Path);
        Assert.NotNull(production.Vulnerabilities);
        Assert.Equal(Severity.High, production.Vulnerabilities.BlockAtOrAbove);
        Assert.True(production.Vulnerabilities.OnlyWithFix);
        var allowed = Assert.Single(production.Vulnerabilities.Allowlist);
        Assert.Equal(new DateTimeOffset(2027, 3, 31, 0, 0, 0, TimeSpan.Zero), allowed.Expires);

        var staging = policy.Rules[1];
        Assert.Equal(EnforcementMode.Warn, staging.Mode);
        Assert.Equal(1, staging.Threshold);
        Assert.Equal(TimeSpan.FromMinutes(30), staging.SignatureGracePeriod);
        Assert.Equal(MultiArchRequirement.Index, staging.MultiArch);
        Assert.Null(staging.Vulnerabilities);
        var kms = Assert.IsType<KeyAuthority>(staging.Authorities[1]);
        Assert.StartsWith("gcpkms://projects/acme-staging/", kms.KmsKeyUri, StringComparison.Ordinal);
        Assert.Null(kms.PublicKeyPem);
        Assert.StartsWith("sha256:", policy.Version, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_ExamplePolicy_FirstMatchingRuleOrNull()
    {
        var policy = TrustPolicyLoader.Load(PolicyTestFiles.ExamplePolicyPath);

        Assert.Equal("production", policy.Match(ImageReference.Parse("europe-docker.pkg.dev/acme-prod/releases/app/api:1"))?.Name);
        Assert.Equal("production", policy.Match(ImageReference.Parse("europe-docker.pkg.dev/acme-prod/base-images/debian:12"))?.Name);
        Assert.Null(policy.Match(ImageReference.Parse("europe-docker.pkg.dev/acme-prod/base-images/debian/slim:12")));
        Assert.Equal("staging", policy.Match(ImageReference.Parse("europe-docker.pkg.dev/acme-staging/x/y/z"))?.Name);
        Assert.Null(policy.Match(ImageReference.Parse("docker.io/library/nginx")));
    }

    [Fact]
    public void Parse_MinimalRule_AppliesDefaults()
    {
        var rule = Assert.Single(Parse(Header + ValidRule).Rules);

        Assert.Equal(1, rule.Threshold);
        Assert.True(rule.RequireTlog);
        Assert.True(rule.RequireSct);
        Assert.Equal(EnforcementMode.Enforce, rule.Mode);
        Assert.Null(rule.SignatureGracePeriod);
        Assert.Equal(MultiArchRequirement.Index, rule.MultiArch);
        Assert.Equal(SignatureFormats.Any, rule.Formats);
        Assert.Empty(rule.Attestations);
        Assert.Null(rule.Vulnerabilities);
    }

    [Fact]
    public void Load_KeyPathRelativeToPolicyFile_ReadsKey()
    {
        using var directory = PolicyTestFiles.CreateDirectory();
        directory.Write("keys/release.pub", PolicyTestFiles.EcPublicKeyPem);
        var path = directory.Write("policies/policy.yaml", Header + """
            rules:
              - name: r
                scope: ["127.0.0.1:5000/**"]
                authorities:
                  - key: {path: ../keys/release.pub}
                tlog: insecure-ignore
            """);

        var rule = Assert.Single(TrustPolicyLoader.Load(path).Rules);

        var key = Assert.IsType<KeyAuthority>(Assert.Single(rule.Authorities));
        Assert.Equal("../keys/release.pub", key.Name);
        Assert.Equal(PolicyTestFiles.EcPublicKeyPem, key.PublicKeyPem);
        Assert.False(rule.RequireTlog);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("    dockerReference: warn\n", false)]
    [InlineData("    dockerReference: required\n", true)]
    public void Parse_DockerReference_SetsRequirement(string line, bool required)
    {
        var rule = Assert.Single(Parse(Header + ValidRule + line).Rules);

        Assert.Equal(required, rule.RequireDockerReference);
    }

    [Fact]
    public void Parse_DockerReferenceUnknownValue_RefusedNamingThePath()
    {
        var error = Assert.Throws<ConfigurationException>(() => Parse(Header + ValidRule + "    dockerReference: exact\n"));

        Assert.Contains("dockerReference", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyFileChanges_VersionChanges()
    {
        using var directory = PolicyTestFiles.CreateDirectory();
        var keyPath = directory.Write("k.pub", PolicyTestFiles.EcPublicKeyPem);
        var path = directory.Write("policy.yaml", Header + "rules:\n  - name: r\n    scope: ['a.io/**']\n    authorities: [{key: {path: k.pub}}]\n");
        var first = TrustPolicyLoader.Load(path).Version;
        Assert.Equal(first, TrustPolicyLoader.Load(path).Version);

        File.WriteAllText(keyPath, PolicyTestFiles.EcPublicKeyPem + "\n");

        Assert.NotEqual(first, TrustPolicyLoader.Load(path).Version);
    }

    [Fact]
    public void Parse_TextChanges_VersionChanges()
    {
        var first = Parse(Header + ValidRule).Version;
        var second = Parse(Header + ValidRule + "    mode: warn\n").Version;

        Assert.Matches("^sha256:[0-9a-f]{64}$", first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Load_KeylessTrustFiles_ResolvedAbsolute()
    {
        using var directory = PolicyTestFiles.CreateDirectory();
        directory.Write("trust/root.json", "{}");
        directory.Write("trust/fulcio.pem", "x");
        var path = directory.Write("policy.yaml", Header + """
            rules:
              - name: r
                scope: ['a.io/**']
                authorities:
                  - keyless:
                      identity: me@example.com
                      issuerRegexp: ^https://accounts\.example\.com$
                      trust: {trustedRoot: trust/root.json, caRoots: trust/fulcio.pem}
            """);

        var keyless = Assert.IsType<KeylessAuthority>(Assert.Single(Assert.Single(TrustPolicyLoader.Load(path).Rules).Authorities));

        Assert.Equal(Path.Combine(directory.Path, "trust", "root.json"), keyless.Trust.TrustedRootPath);
        Assert.Equal(Path.Combine(directory.Path, "trust", "fulcio.pem"), keyless.Trust.CaRootsPath);
        Assert.Null(keyless.Trust.RekorPublicKeyPath);
        Assert.Equal("me@example.com", keyless.Identity.Exact);
        Assert.True(keyless.Issuer.IsMatch("https://accounts.example.com"));
    }

    [Theory]
    [InlineData("apiVersion: imagetrust.dev/v2\nkind: TrustPolicy\nrules: []\n", "policy.yaml:1: apiVersion:")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\n", "policy.yaml:1: (root): Required properties [\"rules\"]")]
    [InlineData("", "policy.yaml:1: (root): the policy file is empty")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities: [{key: {kms: 'gcpkms://x'}}]\n    threshold: 0\n", "policy.yaml:7: rules[0].threshold:")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities: [{key: {kms: 'gcpkms://x'}}]\n    tresholds: 1\n", "policy.yaml:7: rules[0].tresholds: is not a known property")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities: [{key: {kms: 'gcpkms://x'}}]\n    mode: block\n", "policy.yaml:7: rules[0].mode:")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities: [{key: {kms: 'gcpkms://x'}}]\n    signatureGracePeriod: 10 minutes\n", "policy.yaml:7: rules[0].signatureGracePeriod:")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities: [{key: {kms: 'gcpkms://x'}}]\n", "policy.yaml:6: rules[0].authorities[0].key.kms: KMS key reference 'gcpkms://x' must name a key version")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - key: {kms: 'gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'}\n    threshold: 2\n", "policy.yaml:8: rules[0].threshold: 2 exceeds the 1 authority of the rule")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - key: {kms: 'gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'}\n  - name: r\n    scope: [b.io/**]\n    authorities:\n      - key: {kms: 'gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'}\n", "policy.yaml:8: rules[1].name: duplicate rule name 'r'")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**, 'a.io/$bad']\n    authorities:\n      - key: {kms: 'gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'}\n", "policy.yaml:5: rules[0].scope[1]: repository glob 'a.io/$bad' has an invalid character '$'")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - keyless:\n          identityRegexp: '(unclosed'\n          issuer: https://issuer\n", "policy.yaml:8: rules[0].authorities[0].keyless.identityRegexp: regular expression '(unclosed' is not valid in Go's regexp syntax (RE2, as cosign compiles it): missing closing )")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - keyless:\n          identity: me\n", "policy.yaml:7: rules[0].authorities[0].keyless: keyless authority needs exactly one of 'issuer' or 'issuerRegexp'")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - keyless: {identity: me, identityRegexp: m, issuer: i}\n", "policy.yaml:7: rules[0].authorities[0].keyless: keyless authority needs exactly one of 'identity' or 'identityRegexp'")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - name: a\n", "policy.yaml:7: rules[0].authorities[0]: an authority has exactly one of 'key' or 'keyless'")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - key: {path: missing.pub}\n", "policy.yaml:7: rules[0].authorities[0].key.path: file not found: ")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - key: {pem: 'not a key'}\n", "policy.yaml:7: rules[0].authorities[0].key.pem: no PEM block found")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - key: {kms: 'gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1', path: k.pub}\n", "policy.yaml:7: rules[0].authorities[0].key: a key has exactly one of 'path', 'pem' or 'kms'")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - {name: a, key: {kms: 'gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'}}\n      - {name: a, key: {kms: 'gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/j/cryptoKeyVersions/1'}}\n", "policy.yaml:8: rules[0].authorities[1]: duplicate authority 'a'")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - {name: a, key: {kms: 'gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'}}\n    attestations:\n      - predicateType: https://slsa.dev/provenance/v1\n        authorities: [b]\n", "policy.yaml:10: rules[0].attestations[0].authorities[0]: no authority named 'b'")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - {name: a, key: {kms: 'gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'}}\n    vulnerabilities:\n      blockAtOrAbove: HIGH\n      allowlist:\n        - {id: CVE-1, expires: 2027-02-30}\n", "policy.yaml:11: rules[0].vulnerabilities.allowlist[0].expires: '2027-02-30' is not a date")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: r\n    name: s\n", "policy.yaml:5: rules[0]: duplicate key 'name'")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules: &a\n  - *a\n", "policy.yaml:4: rules: YAML aliases are not supported")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules:\n  - name: [r\n", "policy.yaml:5: (yaml):")]
    [InlineData("apiVersion: imagetrust.dev/v1\nkind: TrustPolicy\nrules: !custom x\n", "policy.yaml:3: (root): YAML tag '!custom' is not supported")]
    [InlineData("a: 1\n---\nb: 2\n", "policy.yaml:2: (root): a policy file holds exactly one YAML document")]
    public void Parse_InvalidPolicy_ThrowsWithFileLineAndPath(string yaml, string expected)
    {
        using var directory = PolicyTestFiles.CreateDirectory();

        var error = Assert.Throws<ConfigurationException>(() => TrustPolicyLoader.Parse(yaml, "policy.yaml", directory.Path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PrivateKeyPem_SaysToGiveThePublicKey()
    {
        var yaml = Header + "rules:\n  - name: r\n    scope: [a.io/**]\n    authorities:\n      - key:\n          pem: |\n            -----BEGIN EC PRIVATE KEY-----\n            AAAA\n            -----END EC PRIVATE KEY-----\n";

        var error = Assert.Throws<ConfigurationException>(() => Parse(yaml));

        Assert.Contains("policy.yaml:8: rules[0].authorities[0].key.pem: PEM block is 'EC PRIVATE KEY'", error.Message, StringComparison.Ordinal);
        Assert.Contains("private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsConfigurationException()
    {
        var error = Assert.Throws<ConfigurationException>(() => TrustPolicyLoader.Load("/nonexistent/dir/policy.yaml"));

        Assert.Equal("policy file /nonexistent/dir/policy.yaml: file not found", error.Message);
    }

    private static TrustPolicy Parse(string yaml) => TrustPolicyLoader.Parse(yaml, "policy.yaml", Path.GetTempPath());

    private static string Indent(string text, int spaces)
        => string.Join("\n", text.Split('\n').Select(line => new string(' ', spaces) + line));
}
