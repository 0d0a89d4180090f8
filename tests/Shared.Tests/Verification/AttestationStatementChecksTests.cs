using System.Text;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Signing.Dsse;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Verification;

public sealed class AttestationStatementChecksTests
{
    private const string Provenance = "https://slsa.dev/provenance/v1";
    private static readonly Digest ImageDigest = Digest.Parse("sha256:" + new string('a', 64));

    [Fact]
    public void PredicateType_Equal_Passes()
    {
        Assert.True(AttestationStatementChecks.PredicateType(Statement(), Provenance).Passed);
    }

    [Fact]
    public void PredicateType_Different_WrongPredicateType()
    {
        var check = AttestationStatementChecks.PredicateType(Statement(), "https://spdx.dev/Document");

        Assert.False(check.Passed);
        Assert.Equal(AttestationReasons.WrongPredicateType, check.ReasonCode);
    }

    [Fact]
    public void PredicateType_DiffersOnlyInCase_WrongPredicateType()
    {
        Assert.False(AttestationStatementChecks.PredicateType(Statement(), Provenance.ToUpperInvariant()).Passed);
    }

    [Fact]
    public void Subject_CarriesImageDigest_Passes()
    {
        Assert.True(AttestationStatementChecks.Subject(Statement(), ImageDigest).Passed);
    }

    [Fact]
    public void Subject_OtherDigest_SubjectDigestMismatch()
    {
        var check = AttestationStatementChecks.Subject(Statement(subjectHex: new string('b', 64)), ImageDigest);

        Assert.False(check.Passed);
        Assert.Equal(AttestationReasons.SubjectDigestMismatch, check.ReasonCode);
    }

    [Fact]
    public void Conditions_ExactAndRegexHold_Passes()
    {
        PredicateCondition[] conditions =
        [
            new("runDetails.builder.id", StringMatcher.ExactValue("https://github.com/example/ci")),
            new("buildDefinition.buildType", StringMatcher.Regexp("^https://example\\.com/.*$")),
            new("buildDefinition.resolvedDependencies.0.uri", StringMatcher.ExactValue("git+https://github.com/example/app")),
        ];

        var check = AttestationStatementChecks.Conditions(Statement(), conditions);

        Assert.True(check.Passed, check.Detail);
    }

    [Fact]
    public void Conditions_ValueDiffers_ConditionNotMet()
    {
        var check = AttestationStatementChecks.Conditions(Statement(), [new("runDetails.builder.id", StringMatcher.ExactValue("https://evil.example.com/ci"))]);

        Assert.False(check.Passed);
        Assert.Equal(AttestationReasons.ConditionNotMet, check.ReasonCode);
        Assert.Contains("https://github.com/example/ci", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Conditions_FieldMissing_ConditionNotMet()
    {
        var check = AttestationStatementChecks.Conditions(Statement(), [new("runDetails.builder.version", StringMatcher.Regexp(".*"))]);

        Assert.False(check.Passed);
        Assert.Equal(AttestationReasons.ConditionNotMet, check.ReasonCode);
    }

    [Fact]
    public void Conditions_PathEndsOnObject_ConditionNotMet()
    {
        Assert.False(AttestationStatementChecks.Conditions(Statement(), [new("runDetails.builder", StringMatcher.Regexp(".*"))]).Passed);
    }

    [Fact]
    public void Check_AllHold_ThreePassingChecks()
    {
        var requirement = new AttestationRequirement(Provenance, [], [new("runDetails.builder.id", StringMatcher.ExactValue("https://github.com/example/ci"))]);

        var checks = AttestationStatementChecks.Check(Statement(), ImageDigest, requirement);

        Assert.Equal(3, checks.Count);
        Assert.All(checks, check => Assert.True(check.Passed, check.Detail));
    }

    internal static string StatementJson(string predicateType = Provenance, string? subjectHex = null, string builderId = "https://github.com/example/ci")
        => $$$"""
        {"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"app","digest":{"sha256":"{{{subjectHex ?? new string('a', 64)}}}"}}],
         "predicateType":"{{{predicateType}}}",
         "predicate":{"buildDefinition":{"buildType":"https://example.com/build/v1","resolvedDependencies":[{"uri":"git+https://github.com/example/app"}]},
                      "runDetails":{"builder":{"id":"{{{builderId}}}"} } } }
        """;

    private static InTotoStatement Statement(string predicateType = Provenance, string? subjectHex = null)
        => InTotoStatement.Parse(Encoding.UTF8.GetBytes(StatementJson(predicateType, subjectHex)));
}
