using System.Text;
using ImageTrust.Hosting;

namespace ImageTrust.Shared.Tests.Hosting;

public sealed class MessagePublishedDataTests
{
    [Fact]
    public void Parse_CamelCasePush_ReadsEveryField()
    {
        var data = MessagePublishedData.Parse(EventFixtures.Load(EventFixtures.PushCamelCase));

        Assert.Equal("2070443601311540", data.Message.MessageId);
        Assert.Equal(EventFixtures.GcrMessage, Encoding.UTF8.GetString(data.Message.Data.Span));
        Assert.Equal("us-docker.pkg.dev/my-project/apps/web", data.Message.Attributes["repository"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 14, 5, 55, 749, TimeSpan.Zero), data.Message.PublishTime);
        Assert.Equal("sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", data.Message.OrderingKey);
        Assert.Equal("projects/my-project/subscriptions/gcr-pushverifier", data.Subscription);
        Assert.Equal(3, data.DeliveryAttempt);
    }

    [Fact]
    public void Parse_SnakeCaseWithNanoseconds_ReadsEveryField()
    {
        var data = MessagePublishedData.Parse(EventFixtures.Load(EventFixtures.PushSnakeCase));

        Assert.Equal("2070443601311541", data.Message.MessageId);
        Assert.Equal("web", data.Message.OrderingKey);
        Assert.Equal("HIGH", data.Message.Attributes["severity"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 14, 5, 55, TimeSpan.Zero).AddTicks(7491234), data.Message.PublishTime);
        Assert.Null(data.DeliveryAttempt);
    }

    [Fact]
    public void Parse_EmulatorPushWithoutPublishTime_PublishTimeNull()
    {
        var data = MessagePublishedData.Parse(EventFixtures.Load(EventFixtures.PushEmulator));

        Assert.Equal("1", data.Message.MessageId);
        Assert.Null(data.Message.PublishTime);
        Assert.Null(data.Message.OrderingKey);
        Assert.Empty(data.Message.Attributes);
    }

    [Fact]
    public void Parse_NoDataNoAttributes_EmptyPayload()
    {
        var data = MessagePublishedData.Parse(Encoding.UTF8.GetBytes("""{"message":{"messageId":"7"}}"""));

        Assert.True(data.Message.Data.IsEmpty);
        Assert.Empty(data.Message.Attributes);
        Assert.Null(data.Subscription);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"subscription":"projects/p/subscriptions/s"}""")]
    [InlineData("""{"message":"text"}""")]
    [InlineData("""{"message":{"data":"aGk="}}""")]
    [InlineData("""{"message":{"messageId":""}}""")]
    [InlineData("""{"message":{"messageId":7}}""")]
    [InlineData("""{"message":{"messageId":"1","data":"not base64!"}}""")]
    [InlineData("""{"message":{"messageId":"1","data":42}}""")]
    [InlineData("""{"message":{"messageId":"1","attributes":{"a":1}}}""")]
    [InlineData("""{"message":{"messageId":"1","attributes":["a"]}}""")]
    [InlineData("""{"message":{"messageId":"1","publishTime":"yesterday"}}""")]
    [InlineData("""{"message":{"messageId":"1","publishTime":"2026-11-26"}}""")]
    [InlineData("""{"message":{"messageId":"1"},"deliveryAttempt":"3"}""")]
    [InlineData("""{"message":{"messageId":"1"}""")]
    public void Parse_Malformed_ThrowsFormatException(string json)
    {
        Assert.Throws<FormatException>(() => MessagePublishedData.Parse(Encoding.UTF8.GetBytes(json)));
    }
}
