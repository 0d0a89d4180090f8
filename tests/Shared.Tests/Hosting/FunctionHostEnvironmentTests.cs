using System.Net;
using ImageTrust.Hosting;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Hosting;

public sealed class FunctionHostEnvironmentTests
{
    [Fact]
    public void FromVariables_Empty_DefaultsToPort8080OnLoopback()
    {
        var environment = FunctionHostEnvironment.FromVariables(new Dictionary<string, string?>());

        Assert.Equal(8080, environment.Port);
        Assert.Equal(IPAddress.Loopback, environment.ListenAddress);
        Assert.Null(environment.FunctionTarget);
        Assert.Null(environment.CloudRunService);
    }

    [Theory]
    [InlineData("K_SERVICE", "pushverifier")]
    [InlineData("DOTNET_RUNNING_IN_CONTAINER", "true")]
    public void FromVariables_InContainer_ListensOnAllInterfaces(string name, string value)
    {
        var environment = FunctionHostEnvironment.FromVariables(new Dictionary<string, string?> { [name] = value });

        Assert.True(environment.BindAllInterfaces);
        Assert.Equal(IPAddress.IPv6Any, environment.ListenAddress);
    }

    [Fact]
    public void FromVariables_DockerEnvFile_ListensOnAllInterfaces()
    {
        Assert.Equal(IPAddress.IPv6Any, FunctionHostEnvironment.FromVariables(new Dictionary<string, string?>(), inContainer: true).ListenAddress);
    }

    [Fact]
    public void FromVariables_ListenAddressSet_OverridesContainerDetection()
    {
        var environment = FunctionHostEnvironment.FromVariables(
            new Dictionary<string, string?> { ["K_SERVICE"] = "s", ["IMAGETRUST_LISTEN_ADDRESS"] = "127.0.0.1", ["PORT"] = "9090" });

        Assert.Equal(IPAddress.Loopback, environment.ListenAddress);
        Assert.Equal(9090, environment.Port);
    }

    [Theory]
    [InlineData("PORT", "0")]
    [InlineData("PORT", "-1")]
    [InlineData("PORT", "8080x")]
    [InlineData("IMAGETRUST_LISTEN_ADDRESS", "localhost:80")]
    public void FromVariables_Malformed_ThrowsConfigurationException(string name, string value)
    {
        var ex = Assert.Throws<ConfigurationException>(() => FunctionHostEnvironment.FromVariables(new Dictionary<string, string?> { [name] = value }));

        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }
}
