using System.CommandLine;
using System.Text.Json;
using ImageTrust.Model;

namespace ImageTrust.Cli;

/// <summary>
/// <c>imagetrust verify-bundle</c>: the sigstore-conformance client protocol,
/// <c>verify-bundle [--staging] --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key KEY) [--trusted-root FILE] FILE_OR_DIGEST</c>.
/// A <c>FILE_OR_DIGEST</c> of <c>sha256:&lt;hex&gt;</c> is the artifact's digest. Exit 0 verified, 1 not verified, 2 usage.
/// </summary>
internal static class VerifyBundleCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliServices services, CliConsole console)
    {
        var artifact = new Argument<string>("FILE_OR_DIGEST") { Description = "The artifact file, or its digest as sha256:<hex>." };
        var bundle = new Option<string>("--bundle") { Description = "The Sigstore bundle (JSON).", Required = true };
        var identity = new Option<string?>("--certificate-identity") { Description = "The expected certificate identity (SAN)." };
        var issuer = new Option<string?>("--certificate-oidc-issuer") { Description = "The expected OIDC issuer." };
        var key = new Option<string?>("--key") { Description = "A PEM public key, instead of an identity." };
        var trustedRoot = new Option<string?>("--trusted-root") { Description = "A Sigstore trusted_root.json (default: the public-good root)." };
        var staging = new Option<bool>("--staging") { Description = "Use the Sigstore staging instance (not supported offline; give --trusted-root).", Arity = ArgumentArity.Zero };
        var timeout = SignerOptions.CreateTimeoutOption();
        var output = SignerOptions.CreateOutputOption();
        var command = new Command("verify-bundle", "Verify a Sigstore bundle over an artifact (sigstore-conformance protocol).")
        {
            artifact, bundle, identity, issuer, key, trustedRoot, staging, output, timeout,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var json = result.GetValue(output) == "json";
            var bundlePath = result.GetValue(bundle)!;
            return CommandRunner.RunAsync(console, null, json, () => RunAsync(), cancellationToken);

            async Task<int> RunAsync()
            {
                // Checked as cosign does; verifying a local bundle makes no network call, so nothing can run long.
                SignerOptions.ReadTimeout(result.GetValue(timeout)!);
                var identityValue = result.GetValue(identity);
                var issuerValue = result.GetValue(issuer);
                var keyValue = result.GetValue(key);
                if (keyValue is not null && (identityValue is not null || issuerValue is not null))
                {
                    throw new ConfigurationException("--key can't be combined with --certificate-identity or --certificate-oidc-issuer");
                }

                if (keyValue is null && (identityValue is null || issuerValue is null))
                {
                    throw new ConfigurationException("give --certificate-identity and --certificate-oidc-issuer, or --key");
                }

                var trustedRootValue = result.GetValue(trustedRoot);
                if (result.GetValue(staging) && trustedRootValue is null)
                {
                    throw new ConfigurationException("--staging needs --trusted-root with the staging trusted root (no network access to TUF)");
                }

                var request = new BundleVerificationRequest(
                    ExistingFile(bundlePath, "--bundle"),
                    identityValue,
                    issuerValue,
                    keyValue is null ? null : ExistingFile(keyValue, "--key"),
                    trustedRootValue is null ? null : ExistingFile(trustedRootValue, "--trusted-root"),
                    null,
                    null);
                var artifactValue = result.GetValue(artifact)!;
                request = artifactValue.StartsWith("sha256:", StringComparison.Ordinal)
                    ? request with { ArtifactDigest = ParseDigest(artifactValue) }
                    : request with { ArtifactPath = ExistingFile(artifactValue, "FILE_OR_DIGEST") };

                var outcome = await services.VerifyBundleAsync(request, cancellationToken).ConfigureAwait(false);
                if (json)
                {
                    var report = new BundleReport(bundlePath, outcome.Verified, outcome.Reason, outcome.Detail);
                    await console.Out.WriteLineAsync(JsonSerializer.Serialize(report, CliJsonContext.Output.BundleReport)).ConfigureAwait(false);
                }
                else if (outcome.Verified)
                {
                    await TerminalText.WriteLineAsync(console.Out, $"Verified OK: {bundlePath}").ConfigureAwait(false);
                }
                else
                {
                    await TerminalText.WriteLineAsync(console.Error, $"Verification FAILED: {bundlePath}: {outcome.Reason}: {outcome.Detail}").ConfigureAwait(false);
                }

                return outcome.Verified ? ExitCodes.Verified : ExitCodes.VerificationFailed;
            }
        });
        return command;

        string ExistingFile(string path, string flag)
        {
            var resolved = console.ResolvePath(path);
            return File.Exists(resolved) ? resolved : throw new ConfigurationException($"{flag} {path}: file not found");
        }
    }

    private static Digest ParseDigest(string text)
    {
        try
        {
            return Digest.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"FILE_OR_DIGEST: {e.Message}", e);
        }
    }
}
