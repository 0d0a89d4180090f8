using System.CommandLine;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Policy.Export;

namespace ImageTrust.Cli;

/// <summary><c>imagetrust policy init|validate|export</c>: write a minimal key-based policy, check a policy file, or export it to an admission controller.</summary>
internal static class PolicyCommand
{
    /// <summary>Creates the command with its two subcommands.</summary>
    public static Command Create(CliConsole console) => new("policy", "Create, check or export trust policy files.")
    {
        CreateInit(console),
        CreateValidate(console),
        CreateExport(console),
    };

    private static Command CreateExport(CliConsole console)
    {
        var file = new Argument<string>("POLICY") { Description = "The trust policy file." };
        var format = new Option<string>("--format") { Description = "kyverno (ImageValidatingPolicy, policies.kyverno.io/v1) or policy-controller (ClusterImagePolicy, policy.sigstore.dev/v1beta1).", Required = true };
        format.AcceptOnlyFromAmong("kyverno", "policy-controller");
        var output = new Option<string?>("--output", "-o") { Description = "Write the YAML to this file instead of stdout." };
        var rules = new Option<string[]>("--rule") { Description = "Export only this rule (repeatable); by default every rule.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("export", "Export the trust policy as admission-controller resources, one per rule (refusing what the target can't express exactly).")
        {
            file, format, output, rules,
        };
        command.SetAction((result, cancellationToken) => CommandRunner.RunAsync(console, null, false, () => RunAsync(result), cancellationToken));
        return command;

        async Task<int> RunAsync(ParseResult result)
        {
            var policy = TrustPolicyLoader.Load(console.ResolvePath(result.GetValue(file)!));
            var target = result.GetValue(format) == "kyverno" ? PolicyExportTarget.Kyverno : PolicyExportTarget.PolicyController;
            var selected = result.GetValue(rules) is { Length: > 0 } names ? names : null;
            var export = PolicyExporter.Export(policy, target, selected);
            if (export.Refusals.Count > 0)
            {
                foreach (var refusal in export.Refusals)
                {
                    await TerminalText.WriteLineAsync(console.Error, $"imagetrust: can't export {refusal}").ConfigureAwait(false);
                }

                await TerminalText.WriteLineAsync(console.Error, $"imagetrust: nothing written: {export.Refusals.Select(r => r.Rule).Distinct().Count()} rule(s) can't be expressed exactly (--rule NAME exports the others)").ConfigureAwait(false);
                return ExitCodes.UsageOrConfiguration;
            }

            var yaml = export.ToYaml();
            if (result.GetValue(output) is not { } outputPath || outputPath == "-")
            {
                await console.Out.WriteAsync(yaml).ConfigureAwait(false);
                return ExitCodes.Verified;
            }

            try
            {
                var outputFile = console.ResolvePath(outputPath);
                Directory.CreateDirectory(Path.GetDirectoryName(outputFile)!);
                await File.WriteAllTextAsync(outputFile, yaml).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"--output {outputPath}: can't be written: {e.Message}", e);
            }

            await TerminalText.WriteLineAsync(console.Out, $"wrote {outputPath}: {export.Documents.Count} {(target == PolicyExportTarget.Kyverno ? "ImageValidatingPolicy" : "ClusterImagePolicy")} resource(s)").ConfigureAwait(false);
            return ExitCodes.Verified;
        }
    }

    private static Command CreateInit(CliConsole console)
    {
        var key = new Option<string>("--key") { Description = "The public key: a PEM file or gcpkms://….", Required = true };
        var scope = new Option<string[]>("--scope") { Description = "Repository glob the rule covers, e.g. europe-docker.pkg.dev/p/repo/** (repeatable).", Required = true, Arity = ArgumentArity.OneOrMore };
        var ignoreTlog = new Option<bool>("--insecure-ignore-tlog") { Description = "Do not require a transparency-log proof (unsafe)." };
        var output = new Option<string>("--output", "-o") { Description = "The policy file to write ('-' for stdout).", Required = true };
        var name = new Option<string>("--name") { Description = "The rule name.", DefaultValueFactory = _ => "default" };
        var mode = new Option<string>("--mode") { Description = "enforce (quarantine on failure) or warn (alert only).", DefaultValueFactory = _ => "enforce" };
        mode.AcceptOnlyFromAmong("enforce", "warn");
        var grace = new Option<string?>("--signature-grace-period") { Description = "How long an unsigned image is pending, e.g. 10m (default: none)." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        var command = new Command("init", "Write a minimal, valid key-based trust policy.") { key, scope, ignoreTlog, output, name, mode, grace, force };
        command.SetAction((result, cancellationToken) => CommandRunner.RunAsync(console, null, false, () => RunAsync(result), cancellationToken));
        return command;

        async Task<int> RunAsync(ParseResult result)
        {
            var outputPath = result.GetValue(output)!;
            var toStdout = outputPath == "-";
            var outputFile = toStdout ? null : console.ResolvePath(outputPath);
            var baseDirectory = outputFile is null ? console.WorkingDirectory : Path.GetDirectoryName(outputFile)!;
            var keyValue = result.GetValue(key)!;
            string writtenKey;
            if (keyValue.StartsWith("gcpkms://", StringComparison.Ordinal))
            {
                writtenKey = keyValue;
            }
            else
            {
                var pem = SignerFlags.ReadKeyFile(keyValue, console);
                try
                {
                    PublicKeyPem.Validate(pem);
                }
                catch (FormatException e)
                {
                    throw new ConfigurationException($"--key {keyValue}: {e.Message}", e);
                }

                writtenKey = Path.GetRelativePath(baseDirectory, console.ResolvePath(keyValue)).Replace('\\', '/');
            }

            TimeSpan? gracePeriod = null;
            if (result.GetValue(grace) is { } graceText)
            {
                try
                {
                    gracePeriod = GoDuration.Parse(graceText);
                }
                catch (FormatException e)
                {
                    throw new ConfigurationException($"--signature-grace-period: {e.Message}", e);
                }
            }

            var text = TrustPolicyTemplate.KeyBased(
                result.GetValue(name)!,
                result.GetValue(scope)!,
                writtenKey,
                result.GetValue(ignoreTlog),
                result.GetValue(mode) == "warn" ? EnforcementMode.Warn : EnforcementMode.Enforce,
                gracePeriod);

            // Refuse to write a policy that would not load (a bad glob or rule name): check it first, as it will be read.
            var policy = TrustPolicyLoader.Parse(text, toStdout ? "(policy)" : Path.GetFileName(outputFile!), baseDirectory);
            if (toStdout)
            {
                await console.Out.WriteAsync(text).ConfigureAwait(false);
                return ExitCodes.Verified;
            }

            if (File.Exists(outputFile) && !result.GetValue(force))
            {
                throw new ConfigurationException($"{outputPath} already exists; use --force to overwrite it");
            }

            try
            {
                Directory.CreateDirectory(baseDirectory);
                await File.WriteAllTextAsync(outputFile!, text).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"--output {outputPath}: can't be written: {e.Message}", e);
            }

            await TerminalText.WriteLineAsync(console.Out, $"wrote {outputPath}: rule {policy.Rules[0].Name}, version {policy.Version}").ConfigureAwait(false);
            return ExitCodes.Verified;
        }
    }

    private static Command CreateValidate(CliConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "The policy file." };
        var output = SignerOptions.CreateOutputOption();
        var command = new Command("validate", "Check a trust policy file against the schema and its semantic rules.") { file, output };
        command.SetAction((result, cancellationToken) =>
        {
            var path = result.GetValue(file)!;
            var json = result.GetValue(output) == "json";
            return CommandRunner.RunAsync(console, null, false, () => RunAsync(), cancellationToken);

            async Task<int> RunAsync()
            {
                TrustPolicy policy;
                try
                {
                    policy = TrustPolicyLoader.Load(console.ResolvePath(path));
                }
                catch (ConfigurationException e) when (json)
                {
                    var invalid = new PolicyValidationReport(path, false, null, [], e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                    await console.Out.WriteLineAsync(JsonSerializer.Serialize(invalid, CliJsonContext.Output.PolicyValidationReport)).ConfigureAwait(false);
                    throw;
                }

                var names = policy.Rules.Select(rule => rule.Name).ToList();
                if (json)
                {
                    var report = new PolicyValidationReport(path, true, policy.Version, names, []);
                    await console.Out.WriteLineAsync(JsonSerializer.Serialize(report, CliJsonContext.Output.PolicyValidationReport)).ConfigureAwait(false);
                }
                else
                {
                    await TerminalText.WriteLineAsync(console.Out, $"{path}: valid, {names.Count} rule{(names.Count == 1 ? string.Empty : "s")} ({string.Join(", ", names)}), version {policy.Version}").ConfigureAwait(false);
                }

                return ExitCodes.Verified;
            }
        });
        return command;
    }
}
