using System.CommandLine;
using System.Globalization;
using ImageTrust.Model;

namespace ImageTrust.Cli;

/// <summary>
/// Reads the words of a <c>verify</c>, <c>verify-attestation</c> or <c>verify-bundle</c> command line as Go's pflag (cosign's
/// parser) does where System.CommandLine would read them differently, and hands System.CommandLine words that mean the same:
/// <list type="bullet">
/// <item>a boolean is <c>--flag</c> or <c>--flag=VALUE</c> with Go's <c>strconv.ParseBool</c> values; <c>--flag false</c> is not
/// "false" (pflag reads <c>false</c> as the next argument), so it is refused naming the flag;</item>
/// <item>a cosign flag ImageTrust does not take is refused in one line naming it and why; one that can't change the verdict
/// (<c>--max-workers</c>, <c>--offline</c>, <c>--check-claims</c>) is checked and dropped;</item>
/// <item>a flag left off the command line is read from <c>COSIGN_&lt;FLAG&gt;</c>, as cosign's viper binding does;</item>
/// <item>a value flag given twice is refused (pflag keeps the last; a later word silently replacing a key or an identity is
/// not something a verifier should allow).</item>
/// </list>
/// </summary>
internal static class CosignCommandLine
{
    private static readonly string[] GoTrue = ["1", "t", "T", "TRUE", "true", "True"];
    private static readonly string[] GoFalse = ["0", "f", "F", "FALSE", "false", "False"];

    /// <summary>The rewritten words, and notes for stderr (values taken from <c>COSIGN_*</c> variables).</summary>
    /// <exception cref="ConfigurationException">A word is refused; the message names the flag.</exception>
    public static (string[] Args, IReadOnlyList<string> Notes) Normalize(Command root, string[] args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        var command = root;
        var start = 0;
        while (start < args.Length && command.Subcommands.FirstOrDefault(sub => sub.Name == args[start]) is { } sub)
        {
            command = sub;
            start++;
        }

        var table = CosignFlags.For(command.Name);
        if (table.Count == 0)
        {
            return (args, []);
        }

        var booleans = command.Options.Where(IsBoolean).SelectMany(option => Names(option)).ToHashSet(StringComparer.Ordinal);
        var valued = command.Options.Where(option => !IsBoolean(option) && option.Arity.MaximumNumberOfValues > 0)
            .SelectMany(option => Names(option)).ToHashSet(StringComparer.Ordinal);
        var output = new List<string>(args[..start]);
        var booleanValues = new Dictionary<string, (bool Value, int Position)>(StringComparer.Ordinal);
        var given = new HashSet<string>(StringComparer.Ordinal);
        var valueCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var end = args.Length;
        for (var i = start; i < args.Length; i++)
        {
            var word = args[i];
            if (word == "--")
            {
                end = i;
                break;
            }

            if (!word.StartsWith('-') || word == "-")
            {
                output.Add(word);
                continue;
            }

            var (name, value) = Split(word);
            var flag = Find(table, name);
            if (flag is not null)
            {
                given.Add(flag.Name);
            }

            if (flag?.Handling == CosignFlagHandling.Refused)
            {
                throw new ConfigurationException($"{Display(name, flag)}: cosign's flag is not supported by ImageTrust: {flag.Note}");
            }

            if (flag?.Handling == CosignFlagHandling.Accepted)
            {
                if (flag.IsBoolean)
                {
                    var accepted = value is null ? true : ParseBool(value, name);
                    CheckAccepted(flag, accepted ? "true" : "false");
                    if (value is null)
                    {
                        RefuseSpaceSeparatedBoolean(args, i, name);
                    }
                }
                else
                {
                    if (value is null)
                    {
                        value = i + 1 < args.Length ? args[++i] : throw new ConfigurationException($"flag needs an argument: {name}");
                    }

                    CheckAccepted(flag, value);
                }

                continue;
            }

            if (booleans.Contains(name))
            {
                var parsed = value is null ? true : ParseBool(value, name);
                if (value is null)
                {
                    RefuseSpaceSeparatedBoolean(args, i, name);
                }

                var canonical = CanonicalName(command, name);
                booleanValues[canonical] = (parsed, output.Count);
                continue;
            }

            if (valued.Contains(name))
            {
                var canonical = CanonicalName(command, name);
                valueCounts[canonical] = valueCounts.GetValueOrDefault(canonical) + 1;
                if (value is not null)
                {
                    // pflag: an empty --flag= is the flag unset (cosign tests for ""); System.CommandLine would take the next word.
                    if (value.Length > 0)
                    {
                        output.Add(word);
                    }

                    continue;
                }

                output.Add(word);
                if (i + 1 < args.Length)
                {
                    output.Add(args[++i]);
                }

                continue;
            }

            output.Add(word);
        }

        foreach (var (canonical, count) in valueCounts)
        {
            if (count > 1 && !IsRepeatable(command, canonical))
            {
                throw new ConfigurationException(
                    $"{canonical} is given {count} times: cosign (pflag) keeps the last; ImageTrust refuses a repeated flag so a later word can't silently replace an earlier one");
            }
        }

        var notes = new List<string>();
        var fromEnvironment = new List<string>();
        foreach (var flag in table)
        {
            if (given.Contains(flag.Name) || environment(flag.EnvironmentVariable) is not { Length: > 0 } text)
            {
                continue;
            }

            // cosign (viper) reads an unset flag from COSIGN_<FLAG>: honour it, or refuse it, as if it were on the command line.
            switch (flag.Handling)
            {
                case CosignFlagHandling.Refused:
                    throw new ConfigurationException($"{flag.EnvironmentVariable} is set: cosign reads it as --{flag.Name}, which ImageTrust does not support: {flag.Note}");
                case CosignFlagHandling.Accepted:
                    CheckAccepted(flag, flag.IsBoolean ? (ParseBool(text, flag.EnvironmentVariable) ? "true" : "false") : text);
                    break;
                case CosignFlagHandling.Supported when flag.IsBoolean:
                    booleanValues["--" + flag.Name] = (ParseBool(text, flag.EnvironmentVariable), -1);
                    notes.Add($"--{flag.Name}={text} from {flag.EnvironmentVariable}");
                    break;
                default:
                    fromEnvironment.Add($"--{flag.Name}={text}");
                    notes.Add($"--{flag.Name} from {flag.EnvironmentVariable}");
                    break;
            }
        }

        // Each boolean appears once, where it was last given, when its last value is true (pflag: the last one wins).
        foreach (var (canonical, (value, position)) in booleanValues.OrderByDescending(entry => entry.Value.Position))
        {
            if (value)
            {
                output.Insert(position < 0 ? output.Count : position, canonical);
            }
        }

        output.AddRange(fromEnvironment);
        output.AddRange(args[end..]);
        return ([.. output], notes);
    }

    /// <summary>Go's <c>strconv.ParseBool</c>.</summary>
    /// <exception cref="ConfigurationException">The text is none of its twelve spellings.</exception>
    public static bool ParseBool(string text, string flag)
    {
        if (GoTrue.Contains(text, StringComparer.Ordinal))
        {
            return true;
        }

        return GoFalse.Contains(text, StringComparer.Ordinal)
            ? false
            : throw new ConfigurationException($"invalid argument \"{text}\" for \"{flag}\": a boolean is one of 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False");
    }

    private static void RefuseSpaceSeparatedBoolean(string[] args, int index, string name)
    {
        if (index + 1 < args.Length && (GoTrue.Contains(args[index + 1], StringComparer.Ordinal) || GoFalse.Contains(args[index + 1], StringComparer.Ordinal)))
        {
            throw new ConfigurationException(
                $"{name} {args[index + 1]}: a boolean flag takes its value after '=' ({name}={args[index + 1]}); cosign would read '{args[index + 1]}' as an image");
        }
    }

    private static void CheckAccepted(CosignFlag flag, string value)
    {
        switch (flag.Name)
        {
            case "check-claims" when value == "false":
                throw new ConfigurationException("--check-claims=false: ImageTrust always checks the claims (the signed image digest)");
            case "max-workers" when !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var workers) || workers < 1:
                throw new ConfigurationException($"--max-workers {value}: must be an integer greater than 0 (as cosign requires)");
        }
    }

    private static (string Name, string? Value) Split(string word)
    {
        var equals = word.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (word, null) : (word[..equals], word[(equals + 1)..]);
    }

    private static CosignFlag? Find(IReadOnlyList<CosignFlag> table, string name)
    {
        if (name.StartsWith("--", StringComparison.Ordinal))
        {
            return table.FirstOrDefault(flag => flag.Name == name[2..]);
        }

        return name.Length == 2 ? table.FirstOrDefault(flag => flag.Shorthand == name[1]) : null;
    }

    private static string Display(string name, CosignFlag flag) => name.StartsWith("--", StringComparison.Ordinal) ? name : $"{name} (--{flag.Name})";

    private static bool IsBoolean(Option option) => option.ValueType == typeof(bool) && option is not System.CommandLine.Help.HelpOption and not VersionOption;

    private static bool IsRepeatable(Command command, string canonical)
        => command.Options.First(option => option.Name == canonical).Arity.MaximumNumberOfValues > 1;

    private static IEnumerable<string> Names(Option option) => option.Aliases.Prepend(option.Name);

    private static string CanonicalName(Command command, string name)
        => command.Options.First(option => Names(option).Contains(name, StringComparer.Ordinal)).Name;
}
