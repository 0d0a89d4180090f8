using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace ImageTrust.Pipeline.Wire;

/// <summary>The vulnerability summary in <see cref="ImageEventData"/>: findings per severity and the blocking CVEs.</summary>
internal sealed record ImageEventVulnerabilities
{
    /// <summary>CRITICAL findings.</summary>
    [JsonPropertyName("critical")]
    public required int Critical { get; init; }

    /// <summary>HIGH findings.</summary>
    [JsonPropertyName("high")]
    public required int High { get; init; }

    /// <summary>MEDIUM findings.</summary>
    [JsonPropertyName("medium")]
    public required int Medium { get; init; }

    /// <summary>LOW findings.</summary>
    [JsonPropertyName("low")]
    public required int Low { get; init; }

    /// <summary>MINIMAL findings.</summary>
    [JsonPropertyName("minimal")]
    public required int Minimal { get; init; }

    /// <summary>The findings that block the image under its policy.</summary>
    [JsonPropertyName("blockingCves")]
    public required ImmutableArray<string> BlockingCves { get; init; }
}
