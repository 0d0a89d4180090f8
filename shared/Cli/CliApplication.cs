using System.CommandLine;
using System.CommandLine.Help;
using ImageTrust.Model;

namespace ImageTrust.Cli;

/// <summary>The <c>imagetrust</c> command tree and its in-process entry point (tests call <see cref="RunAsync"/> with fakes).</summary>
internal static class CliApplication
{
    /// <summary>Builds the command tree.</summary>
    public static Command CreateRootCommand(CliServices services, CliConsole console)
    {
        // A plain command rather than RootCommand, whose name would be the assembly's (ImageTrust.Cli) rather than `imagetrust`.
        var root = new Command("imagetrust", "Verify cosign / Sigstore signatures of container images against a trust policy.")
        {
            new HelpOption(),
            new VersionOption(),
            VerifyCommand.Create(services, console),
            VerifyAttestationCommand.Create(services, console),
            VerifyBundleCommand.Create(services, console),
            PolicyCommand.Create(console),
            StatusCommand.Create(services, console),
            ReportCommand.Create(services, console),
            VersionCommand.Create(console),
            CompletionCommand.Create(console),
            CompletionCommand.CreateSuggest(console),
        };
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. Exit codes: 0 verified, 1 verification failed, 2 usage or configuration
    /// error (including every parse error), 3 transient or infrastructure error.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliServices services, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = CreateRootCommand(services, console);
        try
        {
            var (normalized, notes) = CosignCommandLine.Normalize(root, args, console.GetEnvironmentVariable);
            args = normalized;
            foreach (var note in notes)
            {
                await TerminalText.WriteLineAsync(console.Error, $"imagetrust: note: {note}").ConfigureAwait(false);
            }
        }
        catch (ConfigurationException e)
        {
            await TerminalText.WriteLineAsync(console.Error, $"imagetrust: {e.Message}").ConfigureAwait(false);
            return ExitCodes.UsageOrConfiguration;
        }

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await TerminalText.WriteLineAsync(console.Error, $"imagetrust: {error.Message}").ConfigureAwait(false);
            }

            var command = parseResult.CommandResult.Command;
            var path = command == root ? "imagetrust" : $"imagetrust {CommandPath(parseResult)}";
            await TerminalText.WriteLineAsync(console.Error, $"Run '{path} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.UsageOrConfiguration;
        }

        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }

        return string.Join(' ', names);
    }
}
