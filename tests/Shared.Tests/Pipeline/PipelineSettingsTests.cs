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
}
