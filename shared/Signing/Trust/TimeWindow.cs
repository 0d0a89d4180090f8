namespace ImageTrust.Signing.Trust;

/// <summary>
/// A validity window from Sigstore trust material. Both bounds are inclusive (the protobuf <c>TimeRange</c> is a closed
/// interval); a null <see cref="End"/> means open-ended. A window always has a start: a trusted root entry without one is invalid.
/// </summary>
internal sealed record TimeWindow
{
    /// <summary>Creates a window.</summary>
    /// <exception cref="FormatException"><paramref name="end"/> is before <paramref name="start"/>.</exception>
    public TimeWindow(DateTimeOffset start, DateTimeOffset? end)
    {
        if (end is { } e && e < start)
        {
            throw new FormatException($"validity end {e:O} is before start {start:O}");
        }

        Start = start;
        End = end;
    }

    /// <summary>A window that contains every instant (for material configured by flags, which carries no window).</summary>
    public static TimeWindow Always { get; } = new(DateTimeOffset.MinValue, null);

    /// <summary>The first instant of validity (inclusive).</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The last instant of validity (inclusive), or null when open-ended.</summary>
    public DateTimeOffset? End { get; }

    /// <summary>Whether <paramref name="instant"/> lies within the window, bounds included.</summary>
    public bool Contains(DateTimeOffset instant) => instant >= Start && (End is not { } end || instant <= end);
}
