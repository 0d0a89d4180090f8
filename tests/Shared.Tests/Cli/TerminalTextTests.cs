using System.Globalization;
using CsCheck;
using ImageTrust.Cli;
using ImageTrust.Model;
using ImageTrust.Shared.Tests.Policy;
using ImageTrust.Signing;
using ImageTrust.Signing.Verifier;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Cli;

public sealed class TerminalTextTests : IDisposable
{
    private const string Image = "127.0.0.1:5000/app/api:v1";

    private readonly PolicyTestFiles.TemporaryDirectory _directory = PolicyTestFiles.CreateDirectory();
    private readonly CliHarness _cli;

    public TerminalTextTests()
    {
        _directory.Write("release.pub", PolicyTestFiles.EcPublicKeyPem);
        _cli = new CliHarness(_directory.Path);
    }

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("dev@example.com", "dev@example.com")]
    [InlineData("a\nb", "a\\x0Ab")]
    [InlineData("a\rVerified OK", "a\\x0DVerified OK")]
    [InlineData("\u001b[2K\u001b[1GVerified", "\\x1B[2K\\x1B[1GVerified")]
    [InlineData("x\u009bA", "x\\x9BA")]
    [InlineData("\u202Emoc.elpmaxe", "\\u202Emoc.elpmaxe")]
    [InlineData("a\u2028b\u200Bc\uFEFF", "a\\u2028b\\u200Bc\\uFEFF")]
    [InlineData("emoji 😀 stays", "emoji 😀 stays")]
    [InlineData("ünïcödé stays", "ünïcödé stays")]
    public void Escape_Text_EscapesEveryControlAndFormatCharacter(string text, string expected)
    {
        Assert.Equal(expected, TerminalText.Escape(text));
    }

    [Fact]
    public void Escape_UnpairedSurrogates_Escaped()
    {
        // Built at run time: xUnit would replace a lone surrogate in attribute data before the test sees it.
        var text = "lone " + (char)0xD800 + " high, lone " + (char)0xDC00 + " low";

        Assert.Equal("lone \\uD800 high, lone \\uDC00 low", TerminalText.Escape(text));
    }

    [Fact]
    public async Task Verify_UntrustedSanDrawingVerifiedOk_TextHasNoControlCharacters()
    {
        const string san = "evil@example.com\r\u001b[2KVerified 127.0.0.1:5000/app/api:v1 (rule command-line)\n";
        _cli.ImageVerifier = new FakeImageVerifier((image, _) => Failed(image, san, "https://issuer\u001b]0;title\u0007", "detail\nVerified OK"));

        var (exitCode, output, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub");

        Assert.Equal(ExitCodes.VerificationFailed, exitCode);
        AssertTerminalSafe(output);
        Assert.StartsWith("Verification FAILED", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\nVerified", output, StringComparison.Ordinal);
        Assert.Contains("\\x0D\\x1B[2KVerified", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RandomOutsideStrings_TextNeverCarriesAControlCharacter()
    {
        var outside = Gen.Char['\0', '\u3000'].Array[0, 24].Select(chars => new string(chars));
        await Gen.Select(outside, outside, outside, outside).SampleAsync(
            async (identity, issuer, detail, message) =>
            {
                var result = Failed(CliHarness.WithDigest(ImageReference.Parse(Image)), identity, issuer, detail) with { Details = [message] };
                _cli.ImageVerifier = new FakeImageVerifier((_, _) => result);

                var (exitCode, output, _) = await _cli.RunAsync("verify", Image, "--key", "release.pub");

                Assert.Equal(ExitCodes.VerificationFailed, exitCode);
                AssertTerminalSafe(output);
                Assert.Equal(4, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            },
            iter: 300);
    }

    [Fact]
    public async Task Error_MessageWithEscapeSequence_PrintedEscaped()
    {
        _cli.ImageVerifier = new FakeImageVerifier((_, _) => throw new ConfigurationException("bad \u001b[31mred\u001b[0m\nline"));

        var (exitCode, _, error) = await _cli.RunAsync("verify", Image, "--key", "release.pub");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        AssertTerminalSafe(error);
        Assert.Contains("imagetrust: bad \\x1B[31mred\\x1B[0m\\x0Aline", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParseError_ArgumentWithControlCharacters_PrintedEscaped()
    {
        var (exitCode, _, error) = await _cli.RunAsync("verify", Image, "--key", "release.pub", "--bogus\u001b[2K");

        Assert.Equal(ExitCodes.UsageOrConfiguration, exitCode);
        AssertTerminalSafe(error);
    }

    private static void AssertTerminalSafe(string output)
    {
        foreach (var line in output.Split('\n'))
        {
            Assert.True(TerminalText.IsSafe(line), $"unsafe character in: {string.Concat(line.Select(c => ((int)c).ToString("X4", CultureInfo.InvariantCulture) + " "))}");
        }
    }

    private static ImageVerificationResult Failed(ImageReference image, string identity, string issuer, string detail) => new(
        CliHarness.WithDigest(image),
        false,
        [
            new SignatureVerification(
                SignatureKinds.ClassicKeyless, false, "IDENTITY_MISMATCH", null, identity, issuer, null, null, null,
                [CheckResult.Fail("certificate-identity", "IDENTITY_MISMATCH", detail)]),
        ],
        ["IDENTITY_MISMATCH"],
        []);
}
