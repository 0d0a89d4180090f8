using ImageTrust.Hosting;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.Shared.Tests.Hosting;

public sealed class TraceContextTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public void FromHeaders_TraceParent_ReadsTraceAndSpan()
    {
        var headers = new HeaderDictionary { ["traceparent"] = $"00-{TraceId.ToUpperInvariant()}-00f067aa0ba902b7-01" };

        Assert.Equal(new TraceContext(TraceId, "00f067aa0ba902b7"), TraceContext.FromHeaders(headers));
    }

    [Fact]
    public void FromHeaders_CloudTraceContext_ConvertsDecimalSpan()
    {
        var headers = new HeaderDictionary { ["X-Cloud-Trace-Context"] = $"{TraceId}/255;o=1" };

        Assert.Equal(new TraceContext(TraceId, "00000000000000ff"), TraceContext.FromHeaders(headers));
    }

    [Fact]
    public void FromHeaders_BothHeaders_PrefersTraceParent()
    {
        var headers = new HeaderDictionary
        {
            ["traceparent"] = $"00-{TraceId}-00f067aa0ba902b7-01",
            ["X-Cloud-Trace-Context"] = "0123456789abcdef0123456789abcdef/1",
        };

        Assert.Equal(TraceId, TraceContext.FromHeaders(headers)?.TraceId);
    }

    [Theory]
    [InlineData("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01")]
    [InlineData("traceparent", "garbage")]
    [InlineData("X-Cloud-Trace-Context", "not-hex-not-hex-not-hex-not-hex!/1")]
    [InlineData("X-Cloud-Trace-Context", "")]
    public void FromHeaders_Malformed_Null(string header, string value)
    {
        Assert.Null(TraceContext.FromHeaders(new HeaderDictionary { [header] = value }));
    }
}
