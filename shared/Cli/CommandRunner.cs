using System.Net.Sockets;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Registry;

namespace ImageTrust.Cli;

/// <summary>
/// Runs a command body and maps the three outcome classes to exit codes: a verdict is returned by the body (0 or 1);
/// configuration errors exit 2; transient failures exit 3. Errors print one line naming the cause, never a stack trace.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="body"/>; on an error, prints it (and, for JSON output, a failure report) and returns its exit code.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="image">The image the command is about, for JSON failure reports; null for commands without one.</param>
    /// <param name="json">Whether the command prints JSON.</param>
    /// <param name="body">The command.</param>
    /// <param name="cancellationToken">Cancelled on Ctrl+C.</param>
    /// <param name="hint">A second line for an error (e.g. where cosign would have behaved differently), or null for none.</param>
    public static async Task<int> RunAsync(
        CliConsole console, string? image, bool json, Func<Task<int>> body, CancellationToken cancellationToken, Func<Exception, string?>? hint = null)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("imagetrust: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (Classify(e) is var (exitCode, reason))
        {
            var message = Describe(e);
            await TerminalText.WriteLineAsync(console.Error, $"imagetrust: {message}").ConfigureAwait(false);
            if (hint?.Invoke(e) is { } line)
            {
                await TerminalText.WriteLineAsync(console.Error, $"imagetrust: {line}").ConfigureAwait(false);
            }

            if (json && image is not null)
            {
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(ReportBuilder.Failure(image, reason, message), CliJsonContext.Output.VerificationReport)).ConfigureAwait(false);
            }

            return exitCode;
        }
    }

    private static (int ExitCode, string Reason)? Classify(Exception e) => e switch
    {
        ConfigurationException => (ExitCodes.UsageOrConfiguration, "CONFIGURATION_ERROR"),
        TransientFailureException => (ExitCodes.Transient, "TRANSIENT_FAILURE"),
        HttpRequestException or SocketException or TimeoutException or TaskCanceledException => (ExitCodes.Transient, "TRANSIENT_FAILURE"),
        RegistryNotFoundException => (ExitCodes.VerificationFailed, "NOT_FOUND"),
        RegistryProtocolException protocol => (ExitCodes.VerificationFailed, protocol.ReasonCode),
        PermanentInputException permanent => (ExitCodes.VerificationFailed, permanent.ReasonCode),
        _ => (ExitCodes.Transient, "INTERNAL_ERROR"),
    };

    private static string Describe(Exception e)
    {
        var message = e switch
        {
            HttpRequestException or SocketException => $"network error: {e.Message}",
            TaskCanceledException or TimeoutException => $"timed out: {e.Message}",
            ConfigurationException or TransientFailureException or RegistryNotFoundException or RegistryProtocolException or PermanentInputException => e.Message,
            _ => $"internal error ({e.GetType().Name}): {e.Message}",
        };
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!message.Contains(inner.Message, StringComparison.Ordinal) && e is not ConfigurationException)
            {
                message += $": {inner.Message}";
            }
        }

        return message;
    }
}
