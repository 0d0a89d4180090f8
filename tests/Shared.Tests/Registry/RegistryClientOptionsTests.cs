using ImageTrust.Model;
using ImageTrust.Model.Http;
using ImageTrust.Registry;

namespace ImageTrust.Shared.Tests.Registry;

public sealed class RegistryClientOptionsTests
{
    [Fact]
    public void ParseHttpRegistries_CommaSeparatedWithBlanks_NormalizesToLowerCase()
    {
        var registries = RegistryClientOptions.ParseHttpRegistries(" 127.0.0.1:5000, ,Registry.Local:8080,localhost,[::1]:5001");

        Assert.Equal(["127.0.0.1:5000", "[::1]:5001", "localhost", "registry.local:8080"], registries.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:abc")]
    [InlineData("http://host:5000")]
    [InlineData("host/path")]
    [InlineData(":5000")]
    public void ParseHttpRegistries_InvalidEntry_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => RegistryClientOptions.ParseHttpRegistries(text));
    }

    [Fact]
    public void FromEnvironment_InvalidFlag_ThrowsConfigurationException()
    {
        Assert.Throws<ConfigurationException>(() => RegistryClientOptions.FromEnvironment(["bad host"]));
    }

    [Fact]
    public void FromEnvironment_FlagEntries_AreAllowedAsPlainHttp()
    {
        var options = RegistryClientOptions.FromEnvironment(["127.0.0.1:5000,127.0.0.1:5001", "LOCALHOST:1"]);

        Assert.True(options.IsPlainHttp("127.0.0.1:5000"));
        Assert.True(options.IsPlainHttp("127.0.0.1:5001"));
        Assert.True(options.IsPlainHttp("localhost:1"));
        Assert.False(options.IsPlainHttp("europe-docker.pkg.dev"));
    }

    [Fact]
    public void Defaults_AreValidAndBoundManifestsToFourMiB()
    {
        var options = new RegistryClientOptions();

        options.Validate();
        Assert.Equal(4 * 1024 * 1024, options.MaxManifestBytes);
        Assert.Empty(options.HttpRegistries);
    }

    [Fact]
    public void Validate_NonPositiveDeadline_ThrowsConfigurationException()
    {
        Assert.Throws<ConfigurationException>(() => new RegistryClientOptions { Retry = new RetryPolicy { TotalTimeout = TimeSpan.Zero } }.Validate());
        Assert.Throws<ConfigurationException>(() => new RegistryClientOptions { Retry = new RetryPolicy { MaxAttempts = 0 } }.Validate());
    }
}
