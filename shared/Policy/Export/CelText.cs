using System.Globalization;
using System.Text;

namespace ImageTrust.Policy.Export;

/// <summary>CEL string literals: double-quoted, with <c>\\</c>, <c>\"</c> and every non-printable or non-ASCII character as an escape.</summary>
internal static class CelText
{
    /// <summary>The literal for <paramref name="text"/>.</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            if (value == '"' || value == '\\')
            {
                builder.Append('\\').Append((char)value);
            }
            else if (value is >= 0x20 and < 0x7F)
            {
                builder.Append((char)value);
            }
            else if (value <= 0xFFFF)
            {
                builder.Append("\\u").Append(value.ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\U").Append(value.ToString("X8", CultureInfo.InvariantCulture));
            }
        }

        return builder.Append('"').ToString();
    }
}
