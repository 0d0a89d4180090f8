using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.Shared.Tests.Policy;

namespace ImageTrust.Shared.Tests.Cli;

public sealed class VersionCommandTests
{
    private static readonly string TrustedRootFile = Path.Combine(PolicyTestFiles.RepositoryRoot, "shared", "Signing", "Trust", "trusted_root_public_good.json");

    private readonly CliHarness _cli = new(Directory.GetCurrentDirectory());

    [Fact]
    public async Task Version_Text_PrintsVersionCommitAndEmbeddedTrustedRootDate()
    {
        var (exitCode, output, error) = await _cli.RunAsync("version");

        Assert.True(exitCode == ExitCodes.Verified, error);
        var lines = output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Matches("^imagetrust [0-9]+\\.[0-9]+\\.[0-9]+", lines[0]);
        Assert.Matches("^commit: ([0-9a-f]{7,64}|unknown \\(built without git metadata\\))$", lines[1]);
        Assert.Equal($"trusted root: {NewestValidityStartInFile():yyyy-MM-dd} (Sigstore public-good, newest authority validity start; sha256 {FileSha256()})", lines[2]);
    }

    [Fact]
    public async Task Version_Json_HasTheSameFacts()
    {
        var (exitCode, output, _) = await _cli.RunAsync("version", "--output", "json");

        Assert.Equal(ExitCodes.Verified, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(NewestValidityStartInFile().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), json.RootElement.GetProperty("trustedRootDate").GetString());
        Assert.Equal(FileSha256(), json.RootElement.GetProperty("trustedRootSha256").GetString());
        Assert.Equal(BuildInfo.Current.Version, json.RootElement.GetProperty("version").GetString());
    }

    [Theory]
    [InlineData("0.1.0+f439810bdf6d5e16bc1d8293b52bc1b552dd936a", "0.1.0", "f439810bdf6d5e16bc1d8293b52bc1b552dd936a")]
    [InlineData("1.2.3-rc.1+ABCDEF1", "1.2.3-rc.1", "abcdef1")]
    [InlineData("0.1.0", "0.1.0", null)]
    [InlineData("0.1.0+local-build", "0.1.0", null)]
    [InlineData("0.1.0+abc", "0.1.0", null)]
    [InlineData("", "unknown", null)]
    public void ParseInformationalVersion_Forms_SplitsVersionAndOnlyAHexCommit(string informational, string version, string? commit)
    {
        Assert.Equal((version, commit), BuildInfo.ParseInformationalVersion(informational));
    }

    // Read from the file itself, not through the trusted-root parser the command uses.
    private static DateTimeOffset NewestValidityStartInFile()
    {
        using var root = JsonDocument.Parse(File.ReadAllText(TrustedRootFile));
        var starts = new List<DateTimeOffset>();
        foreach (var (list, path) in new[] { ("certificateAuthorities", "validFor"), ("timestampAuthorities", "validFor"), ("tlogs", "publicKey"), ("ctlogs", "publicKey") })
        {
            foreach (var entry in root.RootElement.GetProperty(list).EnumerateArray())
            {
                var window = path == "validFor" ? entry.GetProperty("validFor") : entry.GetProperty("publicKey").GetProperty("validFor");
                starts.Add(DateTimeOffset.Parse(window.GetProperty("start").GetString()!, CultureInfo.InvariantCulture));
            }
        }

        return starts.Max();
    }

    private static string FileSha256() => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TrustedRootFile)));
}
