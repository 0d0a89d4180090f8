using System.Diagnostics;
using ImageTrust.Cli;

namespace ImageTrust.Shared.Tests.Cli;

public sealed class CompletionCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("imagetrust-completion-").FullName;
    private readonly CliHarness _cli;

    public CompletionCommandTests()
    {
        _cli = new CliHarness(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("imagetrust ver", new[] { "verify", "verify-attestation", "verify-bundle", "version" })]
    [InlineData("/usr/local/bin/imagetrust verify-a", new[] { "verify-attestation" })]
    [InlineData("imagetrust policy ex", new[] { "export" })]
    [InlineData("imagetrust policy export --format ", new[] { "kyverno", "policy-controller" })]
    [InlineData("imagetrust policy export --format=p", new[] { "policy-controller" })]
    [InlineData("imagetrust verify --certificate-identity-", new[] { "--certificate-identity-regexp" })]
    [InlineData("imagetrust completion ", new[] { "bash", "zsh" })]
    [InlineData("imagetrust __comp", new string[0])]
    public async Task Suggest_PartialLine_PrintsCandidatesFromTheCommandTree(string line, string[] expected)
    {
        var (exitCode, output, error) = await _cli.RunAsync("__complete", "--position", line.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", line);

        Assert.True(exitCode == ExitCodes.Verified, error);
        Assert.Equal(expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Completion_Zsh_PrintsCompdefScriptCallingTheSuggestCommand()
    {
        var (exitCode, output, _) = await _cli.RunAsync("completion", "zsh");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.StartsWith("#compdef imagetrust\n", output, StringComparison.Ordinal);
        Assert.Contains("__complete --position", output, StringComparison.Ordinal);
        Assert.Contains("compdef _imagetrust imagetrust", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completion_UnknownShell_Exits2()
    {
        var (exitCode, _, error) = await _cli.RunAsync("completion", "fish");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.Contains("fish", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completion_BashScriptSourcedInBash_CompletesSubcommand()
    {
        var (exitCode, script, _) = await _cli.RunAsync("completion", "bash");
        Assert.Equal(ExitCodes.Verified, exitCode);
        var scriptPath = Path.Combine(_directory, "imagetrust.bash");
        await File.WriteAllTextAsync(scriptPath, script);

        // An `imagetrust` on PATH that is this build of the CLI, as an installed binary would be.
        var bin = Directory.CreateDirectory(Path.Combine(_directory, "bin")).FullName;
        var launcher = Path.Combine(bin, "imagetrust");
        await File.WriteAllTextAsync(launcher, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "ImageTrust.Cli.dll")}' \"$@\"\n");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the completion script is for bash");
        }

        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // What bash sets when TAB is pressed after "imagetrust verify-b" and after "imagetrust policy ".
        const string Commands = """
            source "$1"
            complete -p imagetrust
            COMP_LINE='imagetrust verify-b'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(imagetrust verify-b); COMP_CWORD=1
            _imagetrust_complete
            echo "1: ${COMPREPLY[*]}"
            COMP_LINE='imagetrust policy '; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(imagetrust policy ''); COMP_CWORD=2
            _imagetrust_complete
            echo "2: ${COMPREPLY[*]}"
            """;
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", Commands, "bash", scriptPath })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await error);
        Assert.Equal("complete -o default -F _imagetrust_complete imagetrust\n1: verify-bundle\n2: export init validate\n", await output);
    }
}
