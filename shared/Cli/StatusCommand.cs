using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Cli;

/// <summary>
/// <c>imagetrust status IMAGE@DIGEST [--output json]</c> prints the recorded status of one image;
/// <c>imagetrust status --list [--status S]</c> lists records. Reads Firestore (<c>GOOGLE_CLOUD_PROJECT</c>,
/// <c>FIRESTORE_EMULATOR_HOST</c>). Exit 0 found, 1 no record, 2 usage or configuration, 3 Firestore unavailable.
/// </summary>
internal static class StatusCommand
{
    private const int PageSize = 100;

    /// <summary>Creates the command.</summary>
    public static Command Create(CliServices services, CliConsole console)
    {
        var image = new Argument<string?>("IMAGE") { Description = "The image: registry/repository@sha256:…", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<bool>("--list") { Description = "List records instead of showing one." };
        var status = new Option<string?>("--status") { Description = $"With --list: only records with this status ({string.Join(", ", ImageStatusNames.All)})." };
        var limit = new Option<int>("--limit") { Description = "With --list: at most this many records.", DefaultValueFactory = _ => 1000 };
        var output = SignerOptions.CreateOutputOption();
        var command = new Command("status", "Show the recorded verification status of images (Firestore).") { image, list, status, limit, output };
        command.SetAction((result, cancellationToken) =>
        {
            var json = result.GetValue(output) == "json";
            return CommandRunner.RunAsync(console, null, false, () => RunAsync(), cancellationToken);

            async Task<int> RunAsync()
            {
                var imageText = result.GetValue(image);
                if (result.GetValue(list))
                {
                    if (imageText is not null)
                    {
                        throw new ConfigurationException("give either IMAGE@DIGEST or --list, not both");
                    }

                    return await ListAsync(console, services.CreateRecordReader(console), ParseStatus(result.GetValue(status)), result.GetValue(limit), json, cancellationToken).ConfigureAwait(false);
                }

                if (imageText is null)
                {
                    throw new ConfigurationException("give IMAGE@DIGEST, or --list");
                }

                if (result.GetValue(status) is not null)
                {
                    throw new ConfigurationException("--status applies to --list");
                }

                var key = ParseKey(imageText);
                var record = await services.CreateRecordReader(console).GetAsync(key, cancellationToken).ConfigureAwait(false);
                if (record is null)
                {
                    await TerminalText.WriteLineAsync(console.Error, $"imagetrust: no record for {key}").ConfigureAwait(false);
                    return ExitCodes.VerificationFailed;
                }

                await console.Out.WriteLineAsync(json ? ToJson([record], single: true) : Describe(record)).ConfigureAwait(false);
                return ExitCodes.Verified;
            }
        });
        return command;
    }

    private static async Task<int> ListAsync(CliConsole console, ImageRecordReader reader, ImageStatus? status, int limit, bool json, CancellationToken cancellationToken)
    {
        var records = await ReadRecordsAsync(reader, status, limit, cancellationToken).ConfigureAwait(false);
        if (json)
        {
            await console.Out.WriteLineAsync(ToJson(records, single: false)).ConfigureAwait(false);
            return ExitCodes.Verified;
        }

        var text = new StringBuilder();
        text.Append("STATUS".PadRight(18)).Append(' ').Append("ATTESTED".PadRight(11)).Append(' ').Append("IMAGE  REASONS\n");
        foreach (var record in records)
        {
            text.Append(record.Status.ToWire().PadRight(18)).Append(' ').Append(Attested(record).PadRight(11)).Append(' ').Append(TerminalText.Escape(record.Key.ToString()));
            if (record.Reasons.Length > 0)
            {
                text.Append("  ").Append(TerminalText.Escape(string.Join(",", record.Reasons)));
            }

            text.Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"{records.Count} record{(records.Count == 1 ? string.Empty : "s")}");
        await console.Out.WriteLineAsync(text.ToString()).ConfigureAwait(false);
        return ExitCodes.Verified;
    }

    /// <summary>Reads up to <paramref name="limit"/> records (all statuses when <paramref name="status"/> is null), page by page.</summary>
    /// <exception cref="ConfigurationException"><paramref name="limit"/> is below 1.</exception>
    internal static async Task<IReadOnlyList<ImageRecord>> ReadRecordsAsync(ImageRecordReader reader, ImageStatus? status, int limit, CancellationToken cancellationToken)
    {
        if (limit < 1)
        {
            throw new ConfigurationException("--limit must be at least 1");
        }

        var records = new List<ImageRecord>();
        string? token = null;
        do
        {
            var page = await reader.ListAsync(status, Math.Min(PageSize, limit - records.Count), token, cancellationToken).ConfigureAwait(false);
            records.AddRange(page.Records.Take(limit - records.Count));
            token = page.NextPageToken;
        }
        while (token is not null && records.Count < limit);

        return records;
    }

    /// <summary>The ATTESTED column: whether a Binary Authorization attestation exists, or which action is on its way.</summary>
    internal static string Attested(ImageRecord record) => record.PendingAttestation switch
    {
        AttestationAction.Attest => "attesting",
        AttestationAction.Withdraw => "withdrawing",
        _ => record.Attestation is null ? "no" : "yes",
    };

    /// <summary>A time as the text output shows it: UTC to the second.</summary>
    internal static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Describe(ImageRecord record)
    {
        var text = new StringBuilder();
        text.Append(TerminalText.Escape(record.Key.ToString())).Append(": ").Append(record.Status.ToWire()).Append('\n');
        if (record.Reasons.Length > 0)
        {
            text.Append("  reasons: ").Append(TerminalText.Escape(string.Join(", ", record.Reasons))).Append('\n');
        }

        foreach (var signer in record.Signers)
        {
            text.Append("  signer: ").Append(TerminalText.Escape(signer.Identity));
            if (signer.Issuer is not null)
            {
                text.Append(" (issuer ").Append(TerminalText.Escape(signer.Issuer)).Append(')');
            }

            if (signer.TlogIndex is { } index)
            {
                text.Append(CultureInfo.InvariantCulture, $", tlog #{index}");
            }

            text.Append('\n');
        }

        if (record.PolicyRule is not null)
        {
            text.Append("  policy: rule ").Append(TerminalText.Escape(record.PolicyRule)).Append(", version ").Append(TerminalText.Escape(record.PolicyVersion ?? "-")).Append('\n');
        }

        if (record.Attestation is { } attestation)
        {
            text.Append("  attestation: ").Append(TerminalText.Escape(attestation.OccurrenceName)).Append(", created ").Append(Format(attestation.CreatedAt)).Append('\n');
        }

        if (record.PendingAttestation is { } pending)
        {
            text.Append("  attestation action pending: ").Append(pending.ToWire()).Append('\n');
        }

        text.Append("  first seen: ").Append(Format(record.FirstSeen));
        if (record.LastVerified is { } verified)
        {
            text.Append(", last verified: ").Append(Format(verified));
        }

        return text.ToString();
    }

    private static string ToJson(IReadOnlyList<ImageRecord> records, bool single) => single
        ? JsonSerializer.Serialize(RecordStatusReport.From(records[0]), StatusJsonContext.Output.RecordStatusReport)
        : JsonSerializer.Serialize([.. records.Select(RecordStatusReport.From)], StatusJsonContext.Output.ImmutableArrayRecordStatusReport);

    private static ImageKey ParseKey(string text)
    {
        try
        {
            var reference = ImageReference.Parse(text);
            if (reference.Digest is null)
            {
                throw new ConfigurationException($"'{text}' has no digest: records are kept per digest (IMAGE@sha256:…)");
            }

            return ImageKey.From(reference);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"invalid image reference '{text}': {e.Message}", e);
        }
    }

    private static ImageStatus? ParseStatus(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return ImageStatusNames.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"--status: {e.Message}", e);
        }
    }
}
