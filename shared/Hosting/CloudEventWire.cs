namespace ImageTrust.Hosting;

/// <summary>The CloudEvents and Pub/Sub wire names the host reads and writes.</summary>
internal static class CloudEventWire
{
    /// <summary>The CloudEvent type Eventarc uses for a published Pub/Sub message.</summary>
    public const string MessagePublishedType = "google.cloud.pubsub.topic.v1.messagePublished";

    /// <summary>The prefix of a Pub/Sub CloudEvent source, followed by the topic or subscription name.</summary>
    public const string PubSubSourcePrefix = "//pubsub.googleapis.com/";

    /// <summary>The content type of a structured-mode JSON CloudEvent.</summary>
    public const string StructuredJsonMediaType = "application/cloudevents+json";

    /// <summary>The content type of an Eventarc or push body.</summary>
    public const string JsonMediaType = "application/json";

    /// <summary>The prefix of a binary-mode attribute header.</summary>
    public const string BinaryHeaderPrefix = "ce-";

    /// <summary>The binary-mode header that marks a request as a CloudEvent.</summary>
    public const string SpecVersionHeader = "ce-specversion";

    /// <summary>The W3C trace context header.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>Google's legacy trace header, <c>TRACE_ID/SPAN_ID;o=1</c>.</summary>
    public const string CloudTraceContextHeader = "X-Cloud-Trace-Context";
}
