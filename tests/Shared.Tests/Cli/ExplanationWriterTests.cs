using ImageTrust.Cli;
using ImageTrust.Model;
using ImageTrust.Policy;

namespace ImageTrust.Shared.Tests.Cli;

public sealed class ExplanationWriterTests
{
    [Fact]
    public void Write_HostileSanAndIssuer_EscapedOnEveryLine()
    {
        var authority = new KeylessAuthority("ci", StringMatcher.ExactValue("dev@example.com"), StringMatcher.ExactValue("https://issuer"), new TrustMaterialSource(null, null, null, null, null));
        var rule = new PolicyRule("r", [RepositoryGlob.Parse("**")], [authority], 1, true, true, EnforcementMode.Enforce, null, MultiArchRequirement.Index, SignatureFormats.Any, [], null);
        var check = new CheckReport("identity", false, "IDENTITY_MISMATCH", "no SAN of [evil\u001b[2J\u202e@x] matches dev@example.com");
        var signature = new SignatureReport("classic-keyless", false, "IDENTITY_MISMATCH", null, null, "https://issuer\r\nVerified OK", null, null, null, check.Detail, [check]);
        var report = new VerificationReport("r/a@sha256:00", null, false, "r", null, 1, [], [signature], ["IDENTITY_MISMATCH"], ["m"]);
        var writer = new StringWriter();

        ExplanationWriter.Write(writer, report, rule);

        var text = writer.ToString();
        Assert.Contains(@"got subjects [evil\x1B[2J\u202E@x] with issuer https://issuer\x0D\x0AVerified OK", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u202e', text);
        Assert.DoesNotContain("\rVerified", text, StringComparison.Ordinal);
    }
}
