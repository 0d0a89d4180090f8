using System.Net;
using ImageTrust.GoogleCloud;

namespace ImageTrust.Shared.Tests.GoogleCloud;

public sealed class GoogleRetrySettingsTests
{
    [Fact]
    public void BackoffAfter_GrowsAndIsCappedWithJitter()
    {
        var settings = new GoogleRetrySettings(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1000), 2.0, 10, TimeSpan.FromSeconds(30));

        for (var i = 0; i < 50; i++)
        {
            var first = settings.BackoffAfter(1).TotalMilliseconds;
            var third = settings.BackoffAfter(3).TotalMilliseconds;
            var tenth = settings.BackoffAfter(10).TotalMilliseconds;
            Assert.InRange(first, 50, 100);
            Assert.InRange(third, 200, 400);
            Assert.InRange(tenth, 500, 1000);
        }
    }

    [Fact]
    public void Constructor_MaxBelowInitial_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GoogleRetrySettings(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2.0, 3, TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, null, true)]
    [InlineData(HttpStatusCode.BadGateway, null, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, null, true)]
    [InlineData(HttpStatusCode.Conflict, "ABORTED", true)]
    [InlineData(HttpStatusCode.BadRequest, "DEADLINE_EXCEEDED", true)]
    [InlineData(HttpStatusCode.BadRequest, "INVALID_ARGUMENT", false)]
    [InlineData(HttpStatusCode.NotFound, "NOT_FOUND", false)]
    [InlineData(HttpStatusCode.Forbidden, "PERMISSION_DENIED", false)]
    [InlineData(HttpStatusCode.Conflict, "ALREADY_EXISTS", false)]
    [InlineData(HttpStatusCode.BadRequest, "FAILED_PRECONDITION", false)]
    public void IsRetryable_StatusAndCode_OnlyNamedCodesRetry(HttpStatusCode httpStatus, string? status, bool expected)
    {
        Assert.Equal(expected, GoogleRestChannel.IsRetryable(httpStatus, status));
    }
}
