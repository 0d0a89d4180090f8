using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Hosting;

/// <summary>
/// Writes every log entry as one line to a writer (stdout in production): text locally, or on Cloud Run a JSON object with
/// <c>severity</c>, <c>message</c>, <c>time</c>, <c>logger</c>, the template's named values, and from the request's
/// <see cref="RequestLogScope"/> <c>logging.googleapis.com/trace</c>, <c>logging.googleapis.com/spanId</c> and <c>eventId</c>.
/// </summary>
internal sealed class FunctionLogProvider : ILoggerProvider, ISupportExternalScope
{
    private const string OriginalFormatKey = "{OriginalFormat}";
    private const string TraceField = "logging.googleapis.com/trace";
    private const string SpanField = "logging.googleapis.com/spanId";

    private static readonly JsonWriterOptions s_jsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly HashSet<string> s_reservedFields = new(StringComparer.Ordinal)
    {
        "severity", "message", "time", "logger", "eventId", "exception", TraceField, SpanField,
    };

    private readonly TextWriter _output;
    private readonly FunctionLogFormat _format;
    private readonly string? _projectId;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _writeLock = new();
    private IExternalScopeProvider _scopeProvider = new LoggerExternalScopeProvider();

    /// <summary>Creates the provider.</summary>
    /// <param name="output">Where lines go; writes are serialized by the provider.</param>
    /// <param name="format">Text or Cloud Logging JSON.</param>
    /// <param name="projectId">Qualifies trace IDs as <c>projects/P/traces/T</c>; null writes the bare trace ID.</param>
    /// <param name="timeProvider">The clock for <c>time</c>.</param>
    public FunctionLogProvider(TextWriter output, FunctionLogFormat format, string? projectId, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _output = output;
        _format = format;
        _projectId = projectId;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new FunctionLogger(this, categoryName);

    /// <inheritdoc/>
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopeProvider = scopeProvider;

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_writeLock)
        {
            _output.Flush();
        }
    }

    internal IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _scopeProvider.Push(state);

    internal void Write<TState>(string category, LogLevel level, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        if (string.IsNullOrEmpty(message) && exception is null)
        {
            return;
        }

        var found = new ScopeValues();
        _scopeProvider.ForEachScope(
            static (scope, found) =>
            {
                if (scope is RequestLogScope requestScope)
                {
                    found.Trace = requestScope.Trace ?? found.Trace;
                    found.EventId = requestScope.EventId ?? found.EventId;
                }
            },
            found);

        var line = _format == FunctionLogFormat.CloudLoggingJson
            ? FormatJson(category, level, state, message, exception, found.Trace, found.EventId)
            : FormatText(category, level, message, exception, found.EventId);
        lock (_writeLock)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }

    private string FormatJson<TState>(string category, LogLevel level, TState state, string message, Exception? exception, TraceContext? trace, string? eventId)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, s_jsonOptions))
        {
            json.WriteStartObject();
            json.WriteString("severity", Severity(level));
            json.WriteString("message", exception is null ? message : message + "\n" + exception);
            json.WriteString("time", _timeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("logger", category);
            if (trace is not null)
            {
                json.WriteString(TraceField, _projectId is null ? trace.TraceId : $"projects/{_projectId}/traces/{trace.TraceId}");
                if (trace.SpanId is not null)
                {
                    json.WriteString(SpanField, trace.SpanId);
                }
            }

            if (eventId is not null)
            {
                json.WriteString("eventId", eventId);
            }

            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                WriteTemplateValues(json, values);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteTemplateValues(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        HashSet<string>? written = null;
        foreach (var (key, value) in values)
        {
            if (key == OriginalFormatKey || key.Length == 0)
            {
                continue;
            }

            var name = char.ToLowerInvariant(key[0]) + key[1..];
            written ??= new HashSet<string>(StringComparer.Ordinal);
            if (s_reservedFields.Contains(name) || !written.Add(name))
            {
                continue;
            }

            switch (value)
            {
                case null:
                    json.WriteNull(name);
                    break;
                case bool b:
                    json.WriteBoolean(name, b);
                    break;
                case int or long or short or byte or uint or ulong or ushort or double or float or decimal:
                    json.WritePropertyName(name);
                    json.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!, skipInputValidation: false);
                    break;
                default:
                    json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    private string FormatText(string category, LogLevel level, string message, Exception? exception, string? eventId)
    {
        var builder = new StringBuilder(128)
            .Append(_timeProvider.GetUtcNow().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture))
            .Append(' ')
            .Append(Severity(level))
            .Append(' ')
            .Append(category)
            .Append(": ");
        if (eventId is not null)
        {
            builder.Append('[').Append(eventId).Append("] ");
        }

        builder.Append(message);
        if (exception is not null)
        {
            builder.Append('\n').Append(exception);
        }

        return builder.ToString();
    }

    private static string Severity(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRITICAL",
        _ => "DEFAULT",
    };

    private sealed class ScopeValues
    {
        public TraceContext? Trace { get; set; }

        public string? EventId { get; set; }
    }
}
