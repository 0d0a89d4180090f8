using ImageTrust.Model;
using ImageTrust.Pipeline;
using ImageTrust.Shared.Tests.Policy;

namespace ImageTrust.Shared.Tests.Pipeline;

public sealed class PipelineSettingsTests : IDisposable
{
    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void FromEnvironment_HttpRegistriesSpelledDifferently_MatchCanonicalImages()
    {
        var settings = PipelineSettings.FromEnvironment(Environment("Registry.Example:05000, [0:0::1]:5001,localhost"));

        Assert.True(settings.Registry.IsPlainHttp(ImageReference.Parse("registry.example:5000/p/app").Registry));
        Assert.True(settings.Registry.IsPlainHttp(ImageReference.Parse("REGISTRY.EXAMPLE:05000/p/app").Registry));
        Assert.True(settings.Registry.IsPlainHttp(ImageReference.Parse("[::1]:5001/p/app").Registry));
        Assert.True(settings.Registry.IsPlainHttp(ImageReference.Parse("localhost/app").Registry));
        Assert.False(settings.Registry.IsPlainHttp(ImageReference.Parse("registry.example/p/app").Registry));
    }

    [Theory]
    [InlineData("registry.example:443")]
    [InlineData("registry.example:0")]
    [InlineData("127.1:5000")]
    public void FromEnvironment_HttpRegistryAmbiguousOrInvalid_ConfigurationErrorNamingTheVariable(string entry)
    {
        var error = Assert.Throws<ConfigurationException>(() => PipelineSettings.FromEnvironment(Environment(entry)));

        Assert.StartsWith("IMAGETRUST_HTTP_REGISTRIES: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_NoVerificationTimeout_SixtySecondsBelowTheDefaultFunctionTimeout()
    {
        var settings = PipelineSettings.FromEnvironment(TimeoutEnvironment());

        Assert.Equal(TimeSpan.FromSeconds(60), settings.VerificationTimeout);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("2m", 120)]
    [InlineData("1m30s", 90)]
    public void FromEnvironment_VerificationTimeout_ReadAsAGoDuration(string text, int seconds)
    {
        var settings = PipelineSettings.FromEnvironment(TimeoutEnvironment(text));

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.VerificationTimeout);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("sixty")]
    [InlineData("25h")]
    public void FromEnvironment_VerificationTimeoutNotAPositiveDurationUpToADay_ConfigurationErrorNamingTheVariable(string text)
    {
        var error = Assert.Throws<ConfigurationException>(() => PipelineSettings.FromEnvironment(TimeoutEnvironment(text)));

        Assert.StartsWith(PipelineSettings.VerificationTimeoutVariable, error.Message, StringComparison.Ordinal);
    }

    private Func<string, string?> Environment(string httpRegistries)
    {
        var policy = _directory.Write("policy.yaml", """
            apiVersion: imagetrust.dev/v1
            kind: TrustPolicy
            rules:
              - name: r
                scope: ['**']
                authorities: [{key: {kms: 'gcpkms://projects/acme-prod/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'}}]
            """);
        var values = new Dictionary<string, string>
        {
            ["GOOGLE_CLOUD_PROJECT"] = "p",
            [PipelineSettings.PolicyVariable] = policy,
            ["IMAGETRUST_HTTP_REGISTRIES"] = httpRegistries,
        };
        return name => values.GetValueOrDefault(name);
    }

    private static Func<string, string?> TimeoutEnvironment(string? timeout = null) => name => name switch
    {
        "GOOGLE_CLOUD_PROJECT" => "imagetrust-test",
        PipelineSettings.PolicyVariable => PolicyTestFiles.ExamplePolicyPath,
        PipelineSettings.VerificationTimeoutVariable => timeout,
        _ => null,
    };
}
