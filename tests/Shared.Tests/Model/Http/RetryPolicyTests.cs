using System.Net;
using ImageTrust.Model;
using ImageTrust.Model.Http;

namespace ImageTrust.Shared.Tests.Model.Http;

public sealed class RetryPolicyTests
{
    [Fact]
    public void BackoffAfter_GrowsAndIsCappedWithJitter()
    {
        var policy = new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(1000) };

        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(policy.BackoffAfter(1).TotalMilliseconds, 50, 100);
            Assert.InRange(policy.BackoffAfter(3).TotalMilliseconds, 200, 400);
            Assert.InRange(policy.BackoffAfter(10).TotalMilliseconds, 500, 1000);
            Assert.InRange(policy.BackoffAfter(int.MaxValue).TotalMilliseconds, 500, 1000);
        }
    }

    [Fact]
    public void Defaults_AreValid()
    {
        RetryPolicy.Default.Validate();
        RetryPolicy.Contention.Validate();
    }

    [Theory]
    [InlineData(0, 100, 1000, 30, 60)]
    [InlineData(101, 100, 1000, 30, 60)]
    [InlineData(3, -1, 1000, 30, 60)]
    [InlineData(3, 2000, 1000, 30, 60)]
    [InlineData(3, 100, 1000, 0, 60)]
    [InlineData(3, 100, 1000, 30, 0)]
    public void Validate_OutOfRange_ThrowsConfigurationException(int attempts, int initialMs, int maxMs, int attemptSeconds, int totalSeconds)
    {
        var policy = new RetryPolicy
        {
            MaxAttempts = attempts,
            InitialBackoff = TimeSpan.FromMilliseconds(initialMs),
            MaxBackoff = TimeSpan.FromMilliseconds(maxMs),
            AttemptTimeout = TimeSpan.FromSeconds(attemptSeconds),
            TotalTimeout = TimeSpan.FromSeconds(totalSeconds),
        };

        Assert.Throws<ConfigurationException>(policy.Validate);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.OK, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.RequestTimeout, false)]
    [InlineData(HttpStatusCode.Conflict, false)]
    [InlineData(HttpStatusCode.NotImplemented, false)]
    public void IsRetryable_OnlyTheNamedStatuses(HttpStatusCode status, bool expected)
    {
        Assert.Equal(expected, RetryPolicy.IsRetryable(status));
    }
}
