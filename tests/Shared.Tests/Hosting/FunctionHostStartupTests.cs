using System.Text.Json;
using ImageTrust.Hosting;
using ImageTrust.TestSupport;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>Fail-fast start-up: one clear line on stderr and a non-zero exit code, never a listening host.</summary>
public sealed class FunctionHostStartupTests
{
    [Fact]
    public async Task RunAsync_UnknownFunctionTarget_ExitsWithOneLine()
    {
        var (exitCode, error) = await RunAsync(new() { ["FUNCTION_TARGET"] = "NoSuchFunction" }, h => h.AddFunction<ProbeFunction>());

        Assert.Equal(FunctionHost.ConfigurationErrorExitCode, exitCode);
        var line = Assert.Single(Lines(error));
        Assert.Contains("FUNCTION_TARGET \"NoSuchFunction\"", line, StringComparison.Ordinal);
        Assert.Contains(typeof(ProbeFunction).FullName!, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SeveralFunctionsWithoutTarget_ExitsWithOneLine()
    {
        var (exitCode, error) = await RunAsync([], h => h.AddFunction<ProbeFunction>().AddFunction<SecondProbeFunction>());

        Assert.Equal(FunctionHost.ConfigurationErrorExitCode, exitCode);
        Assert.Contains("FUNCTION_TARGET is not set", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoFunction_ExitsWithOneLine()
    {
        var (exitCode, error) = await RunAsync([], _ => { });

        Assert.Equal(FunctionHost.ConfigurationErrorExitCode, exitCode);
        Assert.Single(Lines(error));
    }

    [Fact]
    public async Task RunAsync_FunctionConstructorConfigurationError_ExitsWithItsMessage()
    {
        var (exitCode, error) = await RunAsync([], h => h.AddFunction<MisconfiguredFunction>());

        Assert.Equal(FunctionHost.ConfigurationErrorExitCode, exitCode);
        Assert.Equal(
            "imagetrust function: configuration error: IMAGETRUST_POLICY /nowhere/policy.yaml does not exist.",
            Assert.Single(Lines(error)));
    }

    [Fact]
    public async Task RunAsync_StartupCallbackConfigurationError_ExitsWithItsMessage()
    {
        var (exitCode, error) = await RunAsync(
            [],
            h => h.ConfigureServices((_, _) => throw new ImageTrust.Model.ConfigurationException("IMAGETRUST_ALERTS_TOPIC is empty."))
                .AddFunction<ProbeFunction>());

        Assert.Equal(FunctionHost.ConfigurationErrorExitCode, exitCode);
        Assert.EndsWith("IMAGETRUST_ALERTS_TOPIC is empty.", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingDependency_ExitsWithOneLine()
    {
        // ProbeFunction needs a FunctionProbe that is not registered.
        var (exitCode, error) = await RunAsync([], h => h.AddFunction<ProbeFunction>());

        Assert.Equal(FunctionHost.ConfigurationErrorExitCode, exitCode);
        Assert.Contains(nameof(FunctionProbe), Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PORT", "eighty")]
    [InlineData("PORT", "70000")]
    [InlineData("IMAGETRUST_LOG_LEVEL", "loud")]
    [InlineData("IMAGETRUST_PUSH_SERVICE_ACCOUNT", "push@p.iam.gserviceaccount.com")]
    public async Task RunAsync_MalformedVariable_ExitsNamingIt(string name, string value)
    {
        var (exitCode, error) = await RunAsync(new() { [name] = value }, h => h.AddFunction<SecondProbeFunction>());

        Assert.Equal(FunctionHost.ConfigurationErrorExitCode, exitCode);
        Assert.Contains(name, Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_KServiceSet_FatalLineIsCloudLoggingJson()
    {
        var (exitCode, error) = await RunAsync(
            new() { ["K_SERVICE"] = "pushverifier", ["FUNCTION_TARGET"] = "Nope" },
            h => h.AddFunction<SecondProbeFunction>());

        Assert.Equal(FunctionHost.ConfigurationErrorExitCode, exitCode);
        using var entry = JsonDocument.Parse(Assert.Single(Lines(error)));
        Assert.Equal("CRITICAL", entry.RootElement.GetProperty("severity").GetString());
        Assert.Contains("Nope", entry.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ValidConfiguration_ListensUntilCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var port = FreePort.Next();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var run = FunctionHost.RunAsync(
            [],
            h => h.AddFunction<SecondProbeFunction>(),
            () => FunctionHostEnvironment.FromVariables(new Dictionary<string, string?> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            TextWriter.Synchronized(output),
            error,
            cancellation.Token);

        using var client = new HttpClient();
        using var response = await client.GetAsync($"http://127.0.0.1:{port}/favicon.ico");
        await cancellation.CancelAsync();

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await run);
        Assert.Empty(error.ToString());
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(Dictionary<string, string?> variables, Action<FunctionHostBuilder> configure)
    {
        variables.TryAdd("PORT", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var error = new StringWriter();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var exitCode = await FunctionHost.RunAsync([], configure, () => FunctionHostEnvironment.FromVariables(variables), TextWriter.Null, error, cancellation.Token);
        return (exitCode, error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
