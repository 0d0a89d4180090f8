using System.Text.Json;

namespace ImageTrust.Functions.Tests;

/// <summary>
/// The GC each function runs with, read from the <c>runtimeconfig.json</c> its build writes (what the JIT and ReadyToRun
/// hosts read, and what a Native AOT publish compiles in as runtime knobs). The Web SDK's default is server GC; the function
/// projects ask for workstation, non-concurrent GC (BENCHMARKS.md, "Function cold start").
/// </summary>
public sealed class RuntimeConfigurationTests
{
    public static TheoryData<string> Functions => new() { "PushVerifier", "OccurrenceHandler", "Reverifier" };

    [Theory]
    [MemberData(nameof(Functions))]
    public void RuntimeConfig_Function_WorkstationNonConcurrentGc(string function)
    {
        var path = Path.Combine(AppContext.BaseDirectory, function + ".runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean(), $"{path}: System.GC.Server");
        Assert.False(properties.GetProperty("System.GC.Concurrent").GetBoolean(), $"{path}: System.GC.Concurrent");
        Assert.False(properties.TryGetProperty("System.GC.DynamicAdaptationMode", out _), $"{path}: DATAS is a server GC mode");
    }
}
