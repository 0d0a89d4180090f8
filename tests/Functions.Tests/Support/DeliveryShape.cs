namespace ImageTrust.Functions.Tests.Support;

/// <summary>How a Pub/Sub message reaches a function.</summary>
public enum DeliveryShape
{
    /// <summary>Eventarc: binary-mode CloudEvent (<c>ce-*</c> headers, the envelope as body).</summary>
    Binary,

    /// <summary>Structured-mode CloudEvent (<c>application/cloudevents+json</c>, the envelope as <c>data</c>).</summary>
    Structured,

    /// <summary>A direct push subscription's envelope, camelCase fields.</summary>
    RawPush,

    /// <summary>A direct push envelope with snake_case fields.</summary>
    RawPushSnakeCase,
}
