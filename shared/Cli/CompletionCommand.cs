using System.CommandLine;

namespace ImageTrust.Cli;

/// <summary>
/// <c>imagetrust completion bash|zsh</c> prints a script the shell sources; the script asks the hidden
/// <c>imagetrust __complete --position N -- LINE</c> for candidates, which System.CommandLine's parser computes from the command
/// tree (subcommands, options, option values), so the completions never drift from the commands.
/// </summary>
internal static class CompletionCommand
{
    /// <summary>The hidden command the scripts call.</summary>
    public const string SuggestCommandName = "__complete";

    private const string BashScript = """
        # bash completion for imagetrust: source it, e.g. source <(imagetrust completion bash)
        _imagetrust_complete() {
          local IFS=$'\n'
          local line="${COMP_LINE:0:COMP_POINT}"
          COMPREPLY=($(command "${COMP_WORDS[0]}" __complete --position "${#line}" -- "$line" 2>/dev/null))
        }
        # With no candidate (a key file, a policy file) bash completes file names.
        complete -o default -F _imagetrust_complete imagetrust

        """;

    private const string ZshScript = """
        #compdef imagetrust
        # zsh completion for imagetrust: source it after compinit (source <(imagetrust completion zsh)), or save it as
        # _imagetrust in a directory on $fpath.
        _imagetrust() {
          local line="${(j: :)words[1,CURRENT]}"
          local -a candidates
          candidates=("${(@f)$(command "${words[1]}" __complete --position "${#line}" -- "$line" 2>/dev/null)}")
          if (( ${#candidates} )) && [[ -n "${candidates[1]}" ]]; then
            [[ "${words[CURRENT]}" == -*=* ]] && compset -P '*='
            compadd -- "${candidates[@]}"
          else
            _files
          fi
        }
        if [[ "${funcstack[1]}" == "_imagetrust" ]]; then
          _imagetrust "$@"
        else
          compdef _imagetrust imagetrust
        fi

        """;

    /// <summary>Creates <c>completion</c>.</summary>
    public static Command Create(CliConsole console)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash or zsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a shell completion script: source <(imagetrust completion bash), or zsh.") { shell };
        command.SetAction(async (result, cancellationToken) =>
        {
            var script = result.GetValue(shell) == "zsh" ? ZshScript : BashScript;
            await console.Out.WriteAsync(script.ReplaceLineEndings("\n").AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Verified;
        });
        return command;
    }

    /// <summary>Creates the hidden <c>__complete</c> the scripts call.</summary>
    public static Command CreateSuggest(CliConsole console)
    {
        var position = new Option<int>("--position") { Description = "The cursor's offset in LINE." };
        var line = new Argument<string>("LINE") { Description = "The command line up to the cursor, starting with the program name." };
        var command = new Command(SuggestCommandName, "Print completion candidates for a command line, one per line.") { position, line };
        command.Hidden = true;
        command.SetAction(async (result, cancellationToken) =>
        {
            foreach (var candidate in Suggest(result.RootCommandResult.Command, result.GetValue(line)!, result.GetValue(position)))
            {
                await console.Out.WriteAsync($"{candidate}\n".AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Verified;
        });
        return command;
    }

    /// <summary>
    /// The candidates for the word at <paramref name="position"/> of <paramref name="line"/>, whose first word is the program
    /// however it was invoked (a path, another file name): hidden commands are left out, and options until a '-' is typed.
    /// </summary>
    public static IReadOnlyList<string> Suggest(Command root, string line, int position)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(line);
        var prefix = line[..Math.Clamp(position, 0, line.Length)];
        var programEnd = prefix.IndexOfAny([' ', '\t']);
        if (programEnd < 0)
        {
            return [];
        }

        // A value written --flag=VALUE is completed as --flag VALUE; the candidates are bare values (bash splits the word at '=',
        // the zsh script moves the prefix up to '=' out of the word).
        var rest = prefix[programEnd..];
        var wordStart = rest.LastIndexOfAny([' ', '\t']) + 1;
        var word = rest[wordStart..];
        var equals = word.IndexOf('=', StringComparison.Ordinal);
        if (word.StartsWith('-') && equals > 0)
        {
            rest = string.Concat(rest.AsSpan(0, wordStart + equals), " ", word.AsSpan(equals + 1));
            word = word[(equals + 1)..];
        }

        var normalized = root.Name + rest;
        IEnumerable<System.CommandLine.Completions.CompletionItem> items;
        try
        {
            items = root.Parse(normalized).GetCompletions(normalized.Length).ToList();
        }
        catch (InvalidOperationException)
        {
            // System.CommandLine 2.0.0 throws on some partial lines; no candidates is the answer there.
            return [];
        }

        return items
            .Select(item => item.InsertText ?? item.Label)
            .Where(text => !string.IsNullOrEmpty(text)
                && text.StartsWith(word, StringComparison.Ordinal)
                && (word.Length > 0 || !text.StartsWith('-'))
                && text is not (SuggestCommandName or "-?")
                && !text.StartsWith('/')
                && !text.Any(char.IsControl))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
