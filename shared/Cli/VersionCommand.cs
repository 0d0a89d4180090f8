using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace ImageTrust.Cli;

/// <summary><c>imagetrust version [--output json]</c>: the version, the commit and the embedded Sigstore trusted root's date.</summary>
internal static class VersionCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var output = SignerOptions.CreateOutputOption();
        var command = new Command("version", "Print the version, the commit it was built from and the date of the embedded Sigstore trusted root.") { output };
        command.SetAction(async (result, cancellationToken) =>
        {
            var info = BuildInfo.Current;
            var text = result.GetValue(output) == "json" ? ToJson(info) : ToText(info);
            await console.Out.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Verified;
        });
        return command;
    }

    /// <summary>The text form, one fact per line.</summary>
    public static string ToText(BuildInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return $"""
            imagetrust {info.Version}
            commit: {info.Commit ?? "unknown (built without git metadata)"}
            trusted root: {info.TrustedRootDay} (Sigstore public-good, newest authority validity start; sha256 {info.TrustedRootSha256})

            """.ReplaceLineEndings("\n");
    }

    private static string ToJson(BuildInfo info)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("version", info.Version);
            writer.WriteString("commit", info.Commit);
            writer.WriteString("trustedRootDate", info.TrustedRootDay);
            writer.WriteString("trustedRootSha256", info.TrustedRootSha256);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
