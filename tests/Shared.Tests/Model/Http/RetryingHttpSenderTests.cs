using System.Globalization;
using System.Net;
using ImageTrust.Model;
using ImageTrust.Model.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Model.Http;

/// <summary>The one retry loop, on a fake clock: every wait and timeout below is fake time, so the tests take milliseconds.</summary>
public sealed class RetryingHttpSenderTests
{
    private static readonly Uri Target = new("https://api.test/v1/thing");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z", CultureInfo.InvariantCulture));

    [Fact]
    public async Task SendAsync_EachNamedStatusThenSuccess_RetriesAfterABackoffOnTheInjectedClock()
    {
        var statuses = new Queue<HttpStatusCode>([HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout]);
        var handler = new ClockedHandler(_time, (_, _) => Task.FromResult(new HttpResponseMessage(statuses.TryDequeue(out var status) ? status : HttpStatusCode.OK)));
        var sender = Create(handler, new RetryPolicy { MaxAttempts = 6, InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(2) });

        var status = await RunAsync(sender);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(6, handler.Arrivals.Count);
        Assert.All(handler.Gaps(), gap => Assert.InRange(gap, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task SendAsync_StatusNotNamed_ReturnedAfterOneAttempt(HttpStatusCode answer)
    {
        var handler = new ClockedHandler(_time, (_, _) => Task.FromResult(new HttpResponseMessage(answer)));

        var status = await RunAsync(Create(handler));

        Assert.Equal(answer, status);
        Assert.Single(handler.Arrivals);
    }

    [Fact]
    public async Task SendAsync_RetryAfterSeconds_WaitsThatLong()
    {
        var handler = new ClockedHandler(_time, (_, count) => Task.FromResult(count == 1 ? Unavailable(response => response.Headers.RetryAfter = new(TimeSpan.FromSeconds(120))) : new HttpResponseMessage(HttpStatusCode.OK)));
        var sender = Create(handler, new RetryPolicy { TotalTimeout = TimeSpan.FromHours(1), AttemptTimeout = TimeSpan.FromHours(1) });

        await RunAsync(sender, step: TimeSpan.FromSeconds(5));

        AssertWaited(TimeSpan.FromSeconds(120), Assert.Single(handler.Gaps()), step: TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SendAsync_RetryAfterDate_WaitsUntilThatTime()
    {
        var at = _time.GetUtcNow().AddSeconds(45);
        var handler = new ClockedHandler(_time, (_, count) => Task.FromResult(count == 1 ? Unavailable(response => response.Headers.RetryAfter = new(at)) : new HttpResponseMessage(HttpStatusCode.OK)));

        await RunAsync(Create(handler), step: TimeSpan.FromSeconds(1));

        Assert.Equal(at, handler.Arrivals[1]);
    }

    [Fact]
    public async Task SendAsync_RetryAfterPastTheDeadline_FailsAtOnceNamingIt()
    {
        var handler = new ClockedHandler(_time, (_, _) => Task.FromResult(Unavailable(response => response.Headers.RetryAfter = new(TimeSpan.FromHours(1)))));

        var error = await Assert.ThrowsAsync<TransientFailureException>(() => RunAsync(Create(handler)));

        Assert.Single(handler.Arrivals);
        Assert.Contains("Retry-After 3600 s passes the overall deadline", error.Message, StringComparison.Ordinal);
        Assert.Equal(_time.Start, _time.GetUtcNow());
    }

    [Fact]
    public async Task SendAsync_AlwaysUnavailable_StopsWhenTheNextWaitWouldPassTheDeadline()
    {
        var handler = new ClockedHandler(_time, (_, _) => Task.FromResult(Unavailable()));
        var sender = Create(handler, new RetryPolicy { MaxAttempts = 100, InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(2), TotalTimeout = TimeSpan.FromSeconds(10) });

        // Small steps: on a loaded machine an attempt spans many steps, and 100 ms ones could carry it past the deadline.
        var error = await Assert.ThrowsAsync<TransientFailureException>(() => RunAsync(sender, step: TimeSpan.FromMilliseconds(10)));

        Assert.InRange(handler.Arrivals.Count, 5, 11);
        Assert.True(_time.GetUtcNow() - _time.Start < TimeSpan.FromSeconds(10), $"waited until {_time.GetUtcNow() - _time.Start}");
        Assert.Contains("the overall deadline would pass", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 503 for GET thing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_AttemptsRunOut_TransientNamingTheCountAndTheLastFailure()
    {
        var handler = new ClockedHandler(_time, (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway)));

        var error = await Assert.ThrowsAsync<TransientFailureException>(() => RunAsync(Create(handler, new RetryPolicy { MaxAttempts = 3 })));

        Assert.Equal(3, handler.Arrivals.Count);
        Assert.Equal("api.test did not answer successfully after 3 attempt(s), retries exhausted; last: HTTP 502 for GET thing", error.Message);
    }

    [Fact]
    public async Task SendAsync_ConnectionFailsThenBodyBreaksThenSuccess_BothRetried()
    {
        var handler = new ClockedHandler(_time, (_, count) => count switch
        {
            1 => throw new HttpRequestException("Connection refused"),
            2 => throw new IOException("The response ended prematurely"),
            _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)),
        });

        var status = await RunAsync(Create(handler));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, handler.Arrivals.Count);
    }

    [Fact]
    public async Task SendAsync_FirstAttemptHangs_RetriedAfterTheAttemptTimeout()
    {
        var handler = new ClockedHandler(_time, async (cancellationToken, count) =>
        {
            if (count == 1)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        var sender = Create(handler, new RetryPolicy { AttemptTimeout = TimeSpan.FromSeconds(5), InitialBackoff = TimeSpan.Zero, MaxBackoff = TimeSpan.Zero });

        var status = await RunAsync(sender);

        Assert.Equal(HttpStatusCode.OK, status);
        AssertWaited(TimeSpan.FromSeconds(5), Assert.Single(handler.Gaps()), step: TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task SendAsync_ServerHangsPastTheDeadline_TransientNamingTheDeadline()
    {
        var handler = new ClockedHandler(_time, async (cancellationToken, _) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        var sender = Create(handler, new RetryPolicy { AttemptTimeout = TimeSpan.FromHours(1), TotalTimeout = TimeSpan.FromSeconds(10) });

        var error = await Assert.ThrowsAsync<TransientFailureException>(() => RunAsync(sender));

        Assert.Single(handler.Arrivals);
        Assert.Equal("api.test did not answer within the overall deadline of 10 s; last: no failure seen, the request was still in flight", error.Message);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_OperationCanceledNotTransient()
    {
        using var cancellation = new CancellationTokenSource();
        var handler = new ClockedHandler(_time, async (cancellationToken, _) =>
        {
            await cancellation.CancelAsync();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(Create(handler), cancellationToken: cancellation.Token));

        Assert.Single(handler.Arrivals);
    }

    [Fact]
    public async Task SendAsync_NotIdempotent_OneAttemptAndTheCallersOwnError()
    {
        var handler = new ClockedHandler(_time, (_, _) => Task.FromResult(Unavailable()));
        var sender = Create(handler);
        using var deadline = sender.StartOperation("api.test", CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sender.SendAsync<HttpStatusCode>(
            deadline,
            "POST thing",
            async (client, cancellationToken) =>
            {
                using var response = await client.GetAsync(Target, cancellationToken);
                throw new RetryableAttemptException("HTTP 503 for POST thing", null, new InvalidOperationException("the caller's own error"));
            },
            idempotent: false));

        Assert.Equal("the caller's own error", error.Message);
        Assert.Single(handler.Arrivals);
    }

    [Fact]
    public async Task SendAsync_NotIdempotentConnectionFailure_TransientWithoutRetry()
    {
        var handler = new ClockedHandler(_time, (_, _) => throw new HttpRequestException("Connection reset"));

        var error = await Assert.ThrowsAsync<TransientFailureException>(() => RunAsync(Create(handler), idempotent: false));

        Assert.Single(handler.Arrivals);
        Assert.Contains("not idempotent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidPolicy_ThrowsConfigurationException()
    {
        Assert.Throws<ConfigurationException>(() => new RetryingHttpSender(new HttpClient(), new RetryPolicy { MaxAttempts = 0 }, _time, NullLogger.Instance));
    }

    private static HttpResponseMessage Unavailable(Action<HttpResponseMessage>? configure = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        configure?.Invoke(response);
        return response;
    }

    private RetryingHttpSender Create(ClockedHandler handler, RetryPolicy? policy = null)
        => new(new HttpClient(handler), policy ?? RetryPolicy.Default, _time, NullLogger.Instance);

    // Sends GET Target as a registry or Google attempt does: a named status becomes a RetryableAttemptException, anything else
    // is the answer. The fake clock is moved forward while the call waits, by step (100 ms unless given).
    // RunAsync moves the fake clock one step at a time while the sender runs on real threads: on a loaded machine the retry
    // can start a few steps after its timer fired, never before it.
    private static void AssertWaited(TimeSpan expected, TimeSpan gap, TimeSpan step) => Assert.InRange(gap, expected, expected + (5 * step));

    private async Task<HttpStatusCode> RunAsync(RetryingHttpSender sender, bool idempotent = true, TimeSpan? step = null, CancellationToken cancellationToken = default)
    {
        using var deadline = sender.StartOperation("api.test", cancellationToken);
        var call = sender.SendAsync(
            deadline,
            "GET thing",
            async (client, token) =>
            {
                using var response = await client.GetAsync(Target, token);
                return RetryPolicy.IsRetryable(response.StatusCode) ? throw RetryableAttemptException.ForStatus(response, "GET thing", _time) : response.StatusCode;
            },
            idempotent);
        for (var i = 0; i < 100_000 && !call.IsCompleted; i++)
        {
            await Task.Delay(1);
            if (!call.IsCompleted)
            {
                _time.Advance(step ?? TimeSpan.FromMilliseconds(100));
            }
        }

        return await call;
    }

    /// <summary>Answers in memory and records each request's arrival on the fake clock.</summary>
    private sealed class ClockedHandler : HttpMessageHandler
    {
        private readonly TimeProvider _time;
        private readonly Func<CancellationToken, int, Task<HttpResponseMessage>> _answer;
        private readonly List<DateTimeOffset> _arrivals = [];

        public ClockedHandler(TimeProvider time, Func<CancellationToken, int, Task<HttpResponseMessage>> answer)
        {
            _time = time;
            _answer = answer;
        }

        public IReadOnlyList<DateTimeOffset> Arrivals
        {
            get
            {
                lock (_arrivals)
                {
                    return [.. _arrivals];
                }
            }
        }

        public IReadOnlyList<TimeSpan> Gaps() => [.. Arrivals.Zip(Arrivals.Skip(1), (first, second) => second - first)];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            int count;
            lock (_arrivals)
            {
                _arrivals.Add(_time.GetUtcNow());
                count = _arrivals.Count;
            }

            return _answer(cancellationToken, count);
        }
    }
}
