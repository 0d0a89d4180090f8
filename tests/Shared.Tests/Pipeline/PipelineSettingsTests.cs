using ImageTrust.Model;
using ImageTrust.Pipeline;
using ImageTrust.Shared.Tests.Policy;

namespace ImageTrust.Shared.Tests.Pipeline;

/// <summary>The functions' whole-verification deadline, <c>IMAGETRUST_VERIFICATION_TIMEOUT</c> (issue 10, item 5).</summary>
public sealed class PipelineSettingsTests
{
    [Fact]
    public void FromEnvironment_NoVerificationTimeout_SixtySecondsBelowTheDefaultFunctionTimeout()
    {
        var settings = PipelineSettings.FromEnvironment(Environment());

        Assert.Equal(TimeSpan.FromSeconds(60), settings.VerificationTimeout);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("2m", 120)]
    [InlineData("1m30s", 90)]
    public void FromEnvironment_VerificationTimeout_ReadAsAGoDuration(string text, int seconds)
    {
        var settings = PipelineSettings.FromEnvironment(Environment(text));

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.VerificationTimeout);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("sixty")]
    [InlineData("25h")]
    public void FromEnvironment_VerificationTimeoutNotAPositiveDurationUpToADay_ConfigurationErrorNamingTheVariable(string text)
    {
        var error = Assert.Throws<ConfigurationException>(() => PipelineSettings.FromEnvironment(Environment(text)));

        Assert.StartsWith(PipelineSettings.VerificationTimeoutVariable, error.Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Environment(string? timeout = null) => name => name switch
    {
        "GOOGLE_CLOUD_PROJECT" => "imagetrust-test",
        PipelineSettings.PolicyVariable => PolicyTestFiles.ExamplePolicyPath,
        PipelineSettings.VerificationTimeoutVariable => timeout,
        _ => null,
    };
}
