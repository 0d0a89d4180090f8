using System.CommandLine;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Policy;

namespace ImageTrust.Cli;

/// <summary><c>imagetrust verify IMAGE</c>: cosign-compatible verification of an image's signatures, by flags or by policy.</summary>
internal static class VerifyCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliServices services, CliConsole console)
    {
        var image = new Argument<string>("IMAGE") { Description = "The image: registry/repository[:tag][@sha256:…]." };
        var policy = new Option<string?>("--policy") { Description = "Verify with the rule of this trust policy file that covers the image (instead of signer flags)." };
        var checkDockerReference = new Option<bool>("--check-docker-reference")
        {
            Arity = ArgumentArity.Zero,
            Description = "Fail a classic signature whose payload's docker-reference names another repository (cosign does not check it; by default a mismatch is a warning).",
        };
        var explain = CreateExplainOption();
        var signer = new SignerOptions();
        var command = new Command("verify", "Verify the signatures of an image (classic .sig and Sigstore bundles).") { image, policy, checkDockerReference, explain };
        signer.AddTo(command);
        command.SetAction((result, cancellationToken) =>
        {
            var imageText = result.GetValue(image)!;
            var json = result.GetValue(signer.Output) == "json";
            var allowHttp = result.GetValue(signer.AllowHttpRegistry) || result.GetValue(signer.AllowInsecureRegistry);
            return CommandRunner.RunAsync(console, imageText, json, () => RunAsync(), cancellationToken, e => allowHttp ? null : PlainHttpHint.For(imageText, e));

            async Task<int> RunAsync()
            {
                var reference = ParseImage(imageText);
                var flags = signer.Read(result);
                var policyPath = result.GetValue(policy);
                PolicyRule? rule;
                string? policyVersion = null;
                if (policyPath is not null)
                {
                    if (flags.NamesSigner || flags.InsecureIgnoreTlog || flags.InsecureIgnoreSct)
                    {
                        throw new ConfigurationException("--policy can't be combined with signer, trust or --insecure-* flags; the policy rule says them");
                    }

                    var trustPolicy = TrustPolicyLoader.Load(console.ResolvePath(policyPath));
                    policyVersion = trustPolicy.Version;
                    rule = trustPolicy.Match(reference);
                    if (rule is null)
                    {
                        // Fail closed: an image the policy does not cover is not verified (the functions record it UNMANAGED).
                        var noRule = ReportBuilder.NoRule(reference, policyPath, trustPolicy.Version);
                        await WriteAsync(console, noRule, json).ConfigureAwait(false);
                        return ExitCodes.VerificationFailed;
                    }
                }
                else
                {
                    rule = flags.BuildRule(console);
                }

                if (result.GetValue(checkDockerReference))
                {
                    rule = rule with { RequireDockerReference = true };
                }

                var verifier = services.CreateImageVerifier(await signer.ReadRegistryAccessAsync(result, console, reference, services.NeedsPlainHttpAsync, cancellationToken).ConfigureAwait(false));
                var verification = await verifier.VerifyAsync(reference, rule, cancellationToken).ConfigureAwait(false);
                var report = ReportBuilder.FromResult(verification, rule, policyVersion);
                await WriteAsync(console, report, json).ConfigureAwait(false);
                if (!json && (result.GetValue(explain) || !report.Verified))
                {
                    ExplanationWriter.Write(console.Out, report, rule);
                }
                return verification.Verified ? ExitCodes.Verified : ExitCodes.VerificationFailed;
            }
        });
        return command;
    }

    /// <summary>Creates the <c>--explain</c> option.</summary>
    public static Option<bool> CreateExplainOption() => new("--explain")
    {
        Description = "Text output: each authority of the rule, what was checked for each signature, and the first failed check with the value found and expected (always shown on failure).",
        Arity = ArgumentArity.Zero,
    };

    /// <summary>Parses an image reference given on the command line.</summary>
    /// <exception cref="ConfigurationException">It is not a valid reference.</exception>
    public static ImageReference ParseImage(string text)
    {
        try
        {
            return ImageReference.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"invalid image reference '{text}': {e.Message}", e);
        }
    }

    /// <summary>Writes a report as text or JSON.</summary>
    public static async Task WriteAsync(CliConsole console, VerificationReport report, bool json)
    {
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(report, CliJsonContext.Output.VerificationReport)).ConfigureAwait(false);
        }
        else
        {
            TextReportWriter.Write(console.Out, report);
        }
    }
}
