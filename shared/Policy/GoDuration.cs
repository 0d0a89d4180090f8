using System.Globalization;
using System.Text.RegularExpressions;

namespace ImageTrust.Policy;

/// <summary>Durations written as Go and cosign write them: <c>90s</c>, <c>10m</c>, <c>1h30m</c>, <c>500ms</c>.</summary>
internal static partial class GoDuration
{
    private static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    /// <summary>Parses a non-negative duration of at most ten years.</summary>
    /// <exception cref="FormatException">The text is not a sequence of number-unit pairs (units ms, s, m, h), or is too long.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!WholePattern().IsMatch(text))
        {
            throw new FormatException($"'{text}' is not a duration such as 90s, 10m or 1h30m");
        }

        var total = TimeSpan.Zero;
        foreach (Match part in PartPattern().Matches(text))
        {
            if (!long.TryParse(part.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > Max.TotalMilliseconds)
            {
                throw new FormatException($"duration '{text}' is longer than {Max.TotalDays:0} days");
            }

            var piece = part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromHours(amount),
            };
            total += piece;
            if (total > Max)
            {
                throw new FormatException($"duration '{text}' is longer than {Max.TotalDays:0} days");
            }
        }

        return total;
    }

    /// <summary>Formats a duration the way <see cref="Parse"/> reads it, e.g. <c>1h30m</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }

        var text = string.Empty;
        var hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            text += hours.ToString(CultureInfo.InvariantCulture) + "h";
        }

        if (duration.Minutes > 0)
        {
            text += duration.Minutes.ToString(CultureInfo.InvariantCulture) + "m";
        }

        if (duration.Seconds > 0)
        {
            text += duration.Seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        if (duration.Milliseconds > 0)
        {
            text += duration.Milliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        }

        return text;
    }

    [GeneratedRegex(@"\A([0-9]{1,18}(ms|s|m|h))+\z", RegexOptions.CultureInvariant)]
    private static partial Regex WholePattern();

    [GeneratedRegex("([0-9]+)(ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex PartPattern();
}
