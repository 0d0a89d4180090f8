namespace ImageTrust.Pipeline.Records;

/// <summary>Values of the <c>severity</c> attribute on published events, for subscription filters.</summary>
internal static class ImageEventSeverities
{
    /// <summary>Critical.</summary>
    public const string Critical = "CRITICAL";

    /// <summary>High.</summary>
    public const string High = "HIGH";

    /// <summary>Medium.</summary>
    public const string Medium = "MEDIUM";

    /// <summary>Low.</summary>
    public const string Low = "LOW";

    /// <summary>Informational (e.g. verified).</summary>
    public const string Info = "INFO";

    /// <summary>Whether <paramref name="value"/> is one of these.</summary>
    public static bool IsKnown(string? value) => value is Critical or High or Medium or Low or Info;
}
