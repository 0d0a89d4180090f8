using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.Model;
using ImageTrust.Pipeline.Records;
using ImageTrust.Shared.Tests.Policy;

namespace ImageTrust.Shared.Tests.Cli;

public sealed class StatusCommandTests : IDisposable
{
    private const string Image = "europe-docker.pkg.dev/p/r/app@" + CliHarness.Digest;

    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();
    private readonly CliHarness _cli;

    public StatusCommandTests()
    {
        _cli = new CliHarness(_directory.Path);
        _cli.Records.Records.Add(Record(Image, ImageStatus.Quarantined, ["NO_SIGNATURES"]));
        _cli.Records.Records.Add(Record("europe-docker.pkg.dev/p/r/other@sha256:" + new string('a', 64), ImageStatus.Verified, []));
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Status_RecordedImageJson_PrintsRecord()
    {
        var (exitCode, output, _) = await _cli.RunAsync("status", Image, "--output", "json");

        Assert.Equal(ExitCodes.Verified, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("QUARANTINED", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(CliHarness.Digest, json.RootElement.GetProperty("digest").GetString());
        Assert.Equal("NO_SIGNATURES", json.RootElement.GetProperty("reasons")[0].GetString());
    }

    [Fact]
    public async Task Status_RecordedImageText_ShowsStatusAndReasons()
    {
        var (exitCode, output, _) = await _cli.RunAsync("status", Image);

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.StartsWith($"{Image}: QUARANTINED", output, StringComparison.Ordinal);
        Assert.Contains("reasons: NO_SIGNATURES", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_RecordWithControlCharacters_TextEscapesThem()
    {
        const string hostile = "europe-docker.pkg.dev/p/r/hostile@sha256:" + "b" + "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        _cli.Records.Records.Add(Record(hostile, ImageStatus.Quarantined, ["X\u001b[2K"]) with
        {
            Signers = [new VerifiedSigner("dev@example.com\r\u001b[2KVERIFIED", "https://issuer\n  reasons: none", null, 7)],
            PolicyRule = "rule\u202E",
        });

        var (exitCode, output, _) = await _cli.RunAsync("status", hostile);

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.All(output.Split('\n'), line => Assert.True(TerminalText.IsSafe(line), line));
        Assert.Contains("signer: dev@example.com\\x0D\\x1B[2KVERIFIED (issuer https://issuer\\x0A  reasons: none)", output, StringComparison.Ordinal);
        Assert.Contains("reasons: X\\x1B[2K", output, StringComparison.Ordinal);
        Assert.Contains("policy: rule rule\\u202E", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_UnknownImage_Exits1()
    {
        var (exitCode, _, error) = await _cli.RunAsync("status", "europe-docker.pkg.dev/p/r/none@" + CliHarness.Digest);

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Contains("no record for europe-docker.pkg.dev/p/r/none@", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_ListFiltered_ListsOnlyThatStatus()
    {
        var (exitCode, output, _) = await _cli.RunAsync("status", "--list", "--status", "quarantined", "--output", "json");

        Assert.Equal(ExitCodes.Verified, exitCode);
        using var json = JsonDocument.Parse(output);
        var record = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("QUARANTINED", record.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Status_ListText_CountsRecords()
    {
        var (exitCode, output, _) = await _cli.RunAsync("status", "--list");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Contains("2 records", output, StringComparison.Ordinal);
        Assert.Contains("QUARANTINED", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("status", "europe-docker.pkg.dev/p/r/app:v1")]
    [InlineData("status", Image, "--list")]
    [InlineData("status", "--list", "--status", "BROKEN")]
    [InlineData("status", Image, "--status", "VERIFIED")]
    public async Task Status_BadUsage_Exits2(params string[] args)
    {
        var (exitCode, _, error) = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.StartsWith("imagetrust: ", error, StringComparison.Ordinal);
    }

    private static ImageRecord Record(string image, ImageStatus status, string[] reasons) => new()
    {
        Key = ImageKey.From(ImageReference.Parse(image)),
        Status = status,
        Reasons = [.. reasons],
        FirstSeen = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero),
    };
}
