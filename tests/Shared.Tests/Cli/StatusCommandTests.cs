using System.Text.Json;
using ImageTrust.Cli;
using ImageTrust.Pipeline.Records;
using ImageTrust.Shared.Tests.GoogleCloud;
using ImageTrust.Shared.Tests.Pipeline.Golden;
using ImageTrust.Shared.Tests.Policy;
using ImageTrust.TestSupport.Emulators;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>
/// <c>imagetrust status</c> through its production wiring against the Firestore emulator, reading documents as today's main
/// stored them (the golden <c>stored-main-…</c> files, put back byte for byte) and records the store writes now.
/// </summary>
[Collection(GoogleEmulatorsCollection.Name)]
public sealed class StatusCommandTests : IDisposable
{
    private static readonly string QuarantinedImage = GoldenScenario.Quarantined.ToString();

    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();
    private readonly CliHarness _cli;
    private readonly ImageTrust.GoogleCloud.GoogleCloudSettings _settings;

    public StatusCommandTests(GoogleEmulatorsFixture emulators)
    {
        _settings = emulators.CreateSettings();
        _cli = new CliHarness(_directory.Path) { CreateRecordReader = ProductionServices.Create().CreateRecordReader };
        _cli.SetEnvironment("GOOGLE_CLOUD_PROJECT", _settings.ProjectId);
        _cli.SetEnvironment("FIRESTORE_EMULATOR_HOST", emulators.Firestore.HostAndPort);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Status_DocumentStoredByMainJson_PrintsTheGoldenRecord()
    {
        await StoreMainDocumentsAsync();

        var (exitCode, output, error) = await _cli.RunAsync("status", QuarantinedImage, "--output", "json");

        Assert.True(exitCode == ExitCodes.Verified, error);
        GoldenFiles.AssertMatches("status-quarantined.json", output);
    }

    [Fact]
    public async Task Status_ListOfDocumentsStoredByMainJson_PrintsTheGoldenList()
    {
        await StoreMainDocumentsAsync();

        var (exitCode, output, error) = await _cli.RunAsync("status", "--list", "--output", "json");

        Assert.True(exitCode == ExitCodes.Verified, error);
        GoldenFiles.AssertMatches("status-list.json", output);
    }

    [Fact]
    public async Task Status_RecordedImageText_ShowsStatusReasonsSignersAndPolicy()
    {
        await StoreMainDocumentsAsync();

        var (exitCode, output, _) = await _cli.RunAsync("status", QuarantinedImage);

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.StartsWith($"{QuarantinedImage}: QUARANTINED\n", output, StringComparison.Ordinal);
        Assert.Contains("  reasons: VULNERABILITY_BLOCKED\n", output, StringComparison.Ordinal);
        Assert.Contains("  signer: https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v1.4.2 (issuer https://token.actions.githubusercontent.com), tlog #123456789\n", output, StringComparison.Ordinal);
        Assert.Contains("  signer: release-2026\n", output, StringComparison.Ordinal);
        Assert.Contains($"  policy: rule prod, version {GoldenScenario.PolicyVersion}\n", output, StringComparison.Ordinal);
        Assert.Contains("  first seen: 2026-11-26T10:00:00Z, last verified: 2026-11-26T10:00:00Z", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_RecordWithControlCharacters_TextEscapesThem()
    {
        var hostile = ImageKey.Parse("europe-docker.pkg.dev/p/r/hostile@sha256:" + new string('b', 64));
        using var writer = GoldenScenario.Create(_settings);
        await writer.Store.ApplyAsync(hostile, "m-1", _ => RecordChange.To(ImageStatus.Quarantined, "X\u001b[2K") with
        {
            Signers = [new VerifiedSigner("dev@example.com\r\u001b[2KVERIFIED", "https://issuer\n  reasons: none", null, 7)],
            PolicyRule = "rule\u202E",
        });

        var (exitCode, output, _) = await _cli.RunAsync("status", hostile.ToString());

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.All(output.Split('\n'), line => Assert.True(TerminalText.IsSafe(line), line));
        Assert.Contains("signer: dev@example.com\\x0D\\x1B[2KVERIFIED (issuer https://issuer\\x0A  reasons: none)", output, StringComparison.Ordinal);
        Assert.Contains("reasons: X\\x1B[2K", output, StringComparison.Ordinal);
        Assert.Contains("policy: rule rule\\u202E", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_UnrecordedImage_Exits1()
    {
        await StoreMainDocumentsAsync();

        var (exitCode, output, error) = await _cli.RunAsync("status", "europe-docker.pkg.dev/acme-prod/apps/none@" + GoldenScenario.Quarantined.Digest);

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        Assert.Empty(output);
        Assert.Equal($"imagetrust: no record for europe-docker.pkg.dev/acme-prod/apps/none@{GoldenScenario.Quarantined.Digest}\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Status_ListFiltered_ListsOnlyThatStatus()
    {
        await StoreMainDocumentsAsync();

        var (exitCode, output, _) = await _cli.RunAsync("status", "--list", "--status", "quarantined", "--output", "json");

        Assert.Equal(ExitCodes.Verified, exitCode);
        using var json = JsonDocument.Parse(output);
        var record = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(QuarantinedImage, record.GetProperty("image").GetString());
    }

    [Fact]
    public async Task Status_ListWithLimit_StopsAtTheLimit()
    {
        await StoreMainDocumentsAsync();

        var (exitCode, output, _) = await _cli.RunAsync("status", "--list", "--limit", "1");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Equal($"QUARANTINED        {QuarantinedImage}  VULNERABILITY_BLOCKED\n1 record\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Status_ListText_OneLinePerRecordAndACount()
    {
        await StoreMainDocumentsAsync();

        var (exitCode, output, _) = await _cli.RunAsync("status", "--list");

        Assert.Equal(ExitCodes.Verified, exitCode);
        Assert.Equal(
            $"QUARANTINED        {QuarantinedImage}  VULNERABILITY_BLOCKED\nUNMANAGED          {GoldenScenario.Unmanaged}  NO_MATCHING_RULE\n2 records\n",
            output.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("status", "europe-docker.pkg.dev/p/r/app:v1")]
    [InlineData("status", "europe-docker.pkg.dev/p/r/app@" + CliHarness.Digest, "--list")]
    [InlineData("status", "--list", "--status", "BROKEN")]
    [InlineData("status", "--list", "--limit", "0")]
    [InlineData("status", "europe-docker.pkg.dev/p/r/app@" + CliHarness.Digest, "--status", "VERIFIED")]
    public async Task Status_BadUsage_Exits2(params string[] args)
    {
        var (exitCode, _, error) = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        Assert.StartsWith("imagetrust: ", error, StringComparison.Ordinal);
    }

    private async Task StoreMainDocumentsAsync()
    {
        using var documents = new StoredDocuments(_settings);
        await documents.PutAsync(GoldenScenario.Collection, GoldenScenario.QuarantinedDocument, GoldenFiles.Read(GoldenScenario.StoredQuarantined));
        await documents.PutAsync(GoldenScenario.Collection, GoldenScenario.UnmanagedDocument, GoldenFiles.Read(GoldenScenario.StoredUnmanaged));
    }
}
