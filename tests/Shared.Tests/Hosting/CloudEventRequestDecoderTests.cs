using System.Text;
using ImageTrust.Hosting;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.Shared.Tests.Hosting;

public sealed class CloudEventRequestDecoderTests
{
    [Fact]
    public void Decode_BinaryMode_AttributesFromHeaders()
    {
        var headers = BinaryHeaders();
        headers["ce-subject"] = "caf%C3%A9";

        var decoded = CloudEventRequestDecoder.Decode(headers, EventFixtures.Load(EventFixtures.EventarcBinaryBody));

        Assert.Equal("11937542853081466", decoded.CloudEvent.Id);
        Assert.Equal("//pubsub.googleapis.com/projects/my-project/topics/gcr", decoded.CloudEvent.Source?.ToString());
        Assert.Equal(CloudEventWire.MessagePublishedType, decoded.CloudEvent.Type);
        Assert.Equal("café", decoded.CloudEvent.Subject);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 14, 3, 17, 512, TimeSpan.Zero), decoded.CloudEvent.Time);
        Assert.Equal("11937542853081466", decoded.Data.Message.MessageId);
        Assert.Same(decoded.Data, decoded.CloudEvent.Data);
    }

    [Fact]
    public void Decode_StructuredMode_DataIsEnvelope()
    {
        var headers = new HeaderDictionary { ["Content-Type"] = "application/cloudevents+json; charset=utf-8" };

        var decoded = CloudEventRequestDecoder.Decode(headers, EventFixtures.Load(EventFixtures.Structured));

        Assert.Equal("11937542853081467", decoded.CloudEvent.Id);
        Assert.Equal("//pubsub.googleapis.com/projects/my-project/topics/gcr", decoded.CloudEvent.Source?.ToString());
        Assert.Equal("artifact-registry", decoded.Data.Message.Attributes["origin"]);
        Assert.Equal(EventFixtures.GcrMessage, Encoding.UTF8.GetString(decoded.Data.Message.Data.Span));
    }

    [Fact]
    public void Decode_StructuredModeDataBase64_DecodesEnvelope()
    {
        var envelope = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"message":{"messageId":"5","data":"aGk="}}"""));
        var body = $$"""{"specversion":"1.0","id":"e5","source":"//pubsub.googleapis.com/projects/p/topics/t","type":"google.cloud.pubsub.topic.v1.messagePublished","datacontenttype":"application/json","data_base64":"{{envelope}}"}""";

        var decoded = CloudEventRequestDecoder.Decode(new HeaderDictionary { ["Content-Type"] = "application/cloudevents+json" }, Encoding.UTF8.GetBytes(body));

        Assert.Equal("5", decoded.Data.Message.MessageId);
        Assert.Equal("hi", Encoding.UTF8.GetString(decoded.Data.Message.Data.Span));
    }

    [Theory]
    [InlineData(EventFixtures.PushCamelCase, "2070443601311540")]
    [InlineData(EventFixtures.PushSnakeCase, "2070443601311541")]
    [InlineData(EventFixtures.PushEmulator, "1")]
    public void Decode_RawPush_SynthesizesMessagePublishedEvent(string fixture, string messageId)
    {
        var decoded = CloudEventRequestDecoder.Decode(new HeaderDictionary { ["Content-Type"] = "application/json" }, EventFixtures.Load(fixture));

        Assert.Equal(messageId, decoded.CloudEvent.Id);
        Assert.Equal(CloudEventWire.MessagePublishedType, decoded.CloudEvent.Type);
        Assert.Equal(CloudEventWire.PubSubSourcePrefix + decoded.Data.Subscription, decoded.CloudEvent.Source?.ToString());
        Assert.Equal(decoded.Data.Message.PublishTime, decoded.CloudEvent.Time);
        Assert.True(decoded.CloudEvent.IsValid);
    }

    [Theory]
    [InlineData("ce-id")]
    [InlineData("ce-source")]
    [InlineData("ce-type")]
    public void Decode_BinaryModeMissingRequiredAttribute_ThrowsFormatException(string header)
    {
        var headers = BinaryHeaders();
        headers.Remove(header);

        Assert.Throws<FormatException>(() => CloudEventRequestDecoder.Decode(headers, EventFixtures.Load(EventFixtures.EventarcBinaryBody)));
    }

    [Fact]
    public void Decode_BinaryModeOtherEventType_ThrowsMalformedDeliveryNamingTheEvent()
    {
        var headers = BinaryHeaders();
        headers["ce-type"] = "google.cloud.storage.object.v1.finalized";

        var failure = Assert.Throws<MalformedDeliveryException>(() => CloudEventRequestDecoder.Decode(headers, EventFixtures.Load(EventFixtures.EventarcBinaryBody)));

        Assert.Equal(DeliveryReasons.UnexpectedEventType, failure.ReasonCode);
        Assert.Equal(headers["ce-id"].ToString(), failure.EventId);
        Assert.Equal(headers["ce-source"].ToString(), failure.EventSource);
    }

    [Theory]
    [InlineData("ce-specversion", "0.1")]
    [InlineData("ce-time", "not a time")]
    public void Decode_BinaryModeBadAttribute_ThrowsFormatException(string header, string value)
    {
        var headers = BinaryHeaders();
        headers[header] = value;

        Assert.Throws<FormatException>(() => CloudEventRequestDecoder.Decode(headers, EventFixtures.Load(EventFixtures.EventarcBinaryBody)));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"specversion":"1.0","source":"//s","type":"google.cloud.pubsub.topic.v1.messagePublished","data":{"message":{"messageId":"1"}}}""")]
    public void Decode_StructuredModeMalformed_ThrowsFormatException(string body)
    {
        Assert.Throws<FormatException>(() =>
            CloudEventRequestDecoder.Decode(new HeaderDictionary { ["Content-Type"] = "application/cloudevents+json" }, Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"e","source":"//s","type":"google.cloud.pubsub.topic.v1.messagePublished"}""", DeliveryReasons.MalformedDelivery)]
    [InlineData("""{"specversion":"1.0","id":"e","source":"//s","type":"other","data":{"message":{"messageId":"1"}}}""", DeliveryReasons.UnexpectedEventType)]
    [InlineData("""{"specversion":"1.0","id":"e","source":"//s","type":"google.cloud.pubsub.topic.v1.messagePublished","data":{"message":{}}}""", DeliveryReasons.MalformedDelivery)]
    [InlineData("""{"specversion":"1.0","id":"e","source":"//s","type":"google.cloud.pubsub.topic.v1.messagePublished","data":{"message":{"messageId":"1","data":"%%"}}}""", DeliveryReasons.MalformedDelivery)]
    public void Decode_StructuredModeNamedEventWithBadData_ThrowsMalformedDelivery(string body, string reasonCode)
    {
        var failure = Assert.Throws<MalformedDeliveryException>(() =>
            CloudEventRequestDecoder.Decode(new HeaderDictionary { ["Content-Type"] = "application/cloudevents+json" }, Encoding.UTF8.GetBytes(body)));

        Assert.Equal(reasonCode, failure.ReasonCode);
        Assert.Equal("e", failure.EventId);
        Assert.Equal("//s", failure.EventSource);
    }

    [Theory]
    [InlineData("""{"message":{"messageId":"1","data":"aGk="}}""")]
    [InlineData("""{"message":{"messageId":"1"},"subscription":""}""")]
    public void Decode_RawPushWithoutSubscription_ThrowsFormatException(string body)
    {
        Assert.Throws<FormatException>(() => CloudEventRequestDecoder.Decode(new HeaderDictionary(), Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Decode_MalformedContentType_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() =>
            CloudEventRequestDecoder.Decode(new HeaderDictionary { ["Content-Type"] = "application/json; ===" }, EventFixtures.Load(EventFixtures.PushCamelCase)));
    }

    internal static HeaderDictionary BinaryHeaders() => new()
    {
        ["Content-Type"] = "application/json; charset=utf-8",
        ["ce-specversion"] = "1.0",
        ["ce-id"] = "11937542853081466",
        ["ce-source"] = "//pubsub.googleapis.com/projects/my-project/topics/gcr",
        ["ce-type"] = "google.cloud.pubsub.topic.v1.messagePublished",
        ["ce-time"] = "2026-11-26T14:03:17.512Z",
    };
}
