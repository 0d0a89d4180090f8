using ImageTrust.Cli;
using ImageTrust.Model;
using ImageTrust.Pipeline.Records;
using ImageTrust.Signing;
using ImageTrust.Signing.Verifier;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>Runs the CLI in process against fakes, capturing exit code, stdout and stderr.</summary>
internal sealed class CliHarness
{
    public const string Digest = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public CliHarness(string workingDirectory)
    {
        WorkingDirectory = workingDirectory;
        ImageVerifier = new FakeImageVerifier((image, _) => Signed(image));
        AttestationVerifier = new FakeAttestationVerifier((image, _) => new AttestationVerificationResult(image, false, [], ["NO_ATTESTATIONS"]));
    }

    public string WorkingDirectory { get; }

    public FakeImageVerifier ImageVerifier { get; set; }

    public FakeAttestationVerifier AttestationVerifier { get; set; }

    public Func<BundleVerificationRequest, BundleVerificationOutcome> BundleVerdict { get; set; } = _ => new(true, "OK", "verified");

    public List<RegistryAccess> RegistryAccesses { get; } = [];

    /// <summary>Where <c>status</c> reads records; tests point it at the Firestore emulator through the production wiring.</summary>
    public Func<CliConsole, ImageRecordReader> CreateRecordReader { get; set; } = _ => throw new InvalidOperationException("this test reads no records");

    public List<BundleVerificationRequest> BundleRequests { get; } = [];

    public void SetEnvironment(string name, string value) => _environment[name] = value;

    public async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var services = new CliServices
        {
            CreateImageVerifier = access =>
            {
                RegistryAccesses.Add(access);
                return ImageVerifier;
            },
            CreateAttestationVerifier = access =>
            {
                RegistryAccesses.Add(access);
                return AttestationVerifier;
            },
            VerifyBundleAsync = (request, _) =>
            {
                BundleRequests.Add(request);
                return Task.FromResult(BundleVerdict(request));
            },
            CreateRecordReader = CreateRecordReader,
        };
        var console = new CliConsole(output, error, name => _environment.GetValueOrDefault(name), WorkingDirectory);
        var exitCode = await CliApplication.RunAsync(args, services, console);
        return (exitCode, output.ToString(), error.ToString());
    }

    public static ImageReference WithDigest(ImageReference image) => image.Digest is null ? image.WithDigest(ImageTrust.Model.Digest.Parse(Digest)) : image;

    public static ImageVerificationResult Signed(ImageReference image) => new(
        WithDigest(image),
        true,
        [
            new SignatureVerification(
                SignatureKinds.ClassicKey, true, "OK", "release.pub", null, null, "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12", 4242,
                new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero),
                [CheckResult.Pass("signature"), CheckResult.Pass("tlog-set")]),
        ],
        [],
        ["release.pub"]);

    public static ImageVerificationResult Unsigned(ImageReference image) => new(WithDigest(image), false, [], ["NO_SIGNATURES"], []);

    public static ImageVerificationResult WrongKey(ImageReference image) => new(
        WithDigest(image),
        false,
        [
            new SignatureVerification(
                SignatureKinds.ClassicKey, false, "SIGNATURE_INVALID", null, null, null, null, null, null,
                [CheckResult.Fail("signature", "SIGNATURE_INVALID", "signature does not verify with key release.pub")]),
        ],
        ["SIGNATURE_INVALID"],
        []);
}
