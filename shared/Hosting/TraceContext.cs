using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.Hosting;

/// <summary>The trace a request belongs to, from <c>traceparent</c> or <c>X-Cloud-Trace-Context</c>.</summary>
/// <param name="TraceId">32 lowercase hex digits.</param>
/// <param name="SpanId">16 lowercase hex digits; null when unknown.</param>
internal sealed record TraceContext(string TraceId, string? SpanId)
{
    /// <summary>Reads the trace from the headers; null when neither header is present and well-formed.</summary>
    public static TraceContext? FromHeaders(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return ParseTraceParent(headers[CloudEventWire.TraceParentHeader].ToString())
            ?? ParseCloudTraceContext(headers[CloudEventWire.CloudTraceContextHeader].ToString());
    }

    /// <summary>Parses W3C <c>00-TRACEID-SPANID-FLAGS</c>; null when malformed or all-zero.</summary>
    public static TraceContext? ParseTraceParent(string? value)
    {
        var parts = value?.Trim().Split('-');
        if (parts is not { Length: >= 4 } || parts[0].Length != 2 || !IsHex(parts[1], 32) || !IsHex(parts[2], 16)
            || parts[1].All(c => c == '0'))
        {
            return null;
        }

        return new TraceContext(parts[1].ToLowerInvariant(), parts[2].ToLowerInvariant());
    }

    /// <summary>Parses <c>TRACE_ID/SPAN_ID;o=1</c> (span ID decimal); null when malformed.</summary>
    public static TraceContext? ParseCloudTraceContext(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var traceId = slash < 0 ? value.Split(';')[0] : value[..slash];
        if (!IsHex(traceId, 32))
        {
            return null;
        }

        string? spanId = null;
        if (slash >= 0)
        {
            var spanText = value[(slash + 1)..].Split(';')[0];
            if (ulong.TryParse(spanText, NumberStyles.None, CultureInfo.InvariantCulture, out var span) && span != 0)
            {
                spanId = span.ToString("x16", CultureInfo.InvariantCulture);
            }
        }

        return new TraceContext(traceId.ToLowerInvariant(), spanId);
    }

    private static bool IsHex(string text, int length) => text.Length == length && text.All(char.IsAsciiHexDigit);
}
