using System.CommandLine;
using System.Text.Json;
using ImageTrust.Policy;

namespace ImageTrust.Cli;

/// <summary>
/// <c>imagetrust verify-attestation IMAGE --type URI</c>: verifies the image's attestations of one predicate type and prints
/// each verified in-toto statement (text mode: one JSON statement per line on stdout, the summary on stderr).
/// </summary>
internal static class VerifyAttestationCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliServices services, CliConsole console)
    {
        var image = new Argument<string>("IMAGE") { Description = "The image: registry/repository[:tag][@sha256:…]." };
        var type = new Option<string>("--type")
        {
            Description = "Predicate type URI, or a cosign shorthand (slsaprovenance1, spdxjson, cyclonedx, …); default custom, as cosign.",
            DefaultValueFactory = _ => "custom",
        };
        var explain = VerifyCommand.CreateExplainOption();
        var signer = new SignerOptions();
        var command = new Command("verify-attestation", "Verify an image's attestations of one predicate type and print the statements.") { image, type, explain };
        signer.AddTo(command);
        command.SetAction((result, cancellationToken) =>
        {
            var imageText = result.GetValue(image)!;
            var json = result.GetValue(signer.Output) == "json";
            var allowHttp = result.GetValue(signer.AllowHttpRegistry) || result.GetValue(signer.AllowInsecureRegistry);
            return CommandRunner.RunAsync(console, imageText, json, () => RunAsync(), cancellationToken, e => allowHttp ? null : PlainHttpHint.For(imageText, e));

            async Task<int> RunAsync()
            {
                var reference = VerifyCommand.ParseImage(imageText);
                var predicateType = PredicateTypeNames.Resolve(result.GetValue(type)!);
                var flags = signer.Read(result);
                var authority = flags.BuildAuthority(console);
                var requirement = new AttestationRequirement(predicateType, [authority], []);
                var rule = flags.BuildRule(console, [requirement]);
                var verifier = services.CreateAttestationVerifier(await signer.ReadRegistryAccessAsync(result, console, reference, services.NeedsPlainHttpAsync, cancellationToken).ConfigureAwait(false));
                var verification = await verifier.VerifyAsync(reference, requirement, rule, cancellationToken).ConfigureAwait(false);
                var report = ReportBuilder.FromAttestations(verification, rule, predicateType);
                if (json)
                {
                    await console.Out.WriteLineAsync(JsonSerializer.Serialize(report, CliJsonContext.Output.VerificationReport)).ConfigureAwait(false);
                }
                else
                {
                    foreach (var statement in report.Signatures.Where(signature => signature.Verified && signature.Statement is not null))
                    {
                        await console.Out.WriteLineAsync(AsciiJson(statement.Statement!.Value)).ConfigureAwait(false);
                    }

                    TextReportWriter.Write(console.Error, report);
                    if (result.GetValue(explain) || !report.Verified)
                    {
                        ExplanationWriter.Write(console.Error, report, rule);
                    }
                }

                return verification.Verified ? ExitCodes.Verified : ExitCodes.VerificationFailed;
            }
        });
        return command;
    }

    /// <summary>The statement as one line of ASCII JSON: every control or non-ASCII character inside a string is a <c>\u</c> escape.</summary>
    private static string AsciiJson(JsonElement statement)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default }))
        {
            statement.WriteTo(writer);
        }

        return System.Text.Encoding.ASCII.GetString(buffer.ToArray());
    }
}
