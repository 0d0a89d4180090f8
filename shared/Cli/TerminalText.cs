using System.Globalization;
using System.Text;

namespace ImageTrust.Cli;

/// <summary>
/// Text-mode output that cannot carry a control character from outside. Certificate SANs, issuers, registry answers and file
/// names reach the terminal inside our lines; an escape sequence, carriage return, newline or bidi override in one of them could
/// redraw the screen (say, "Verified OK" over a failure). Each line is written with every such character shown as an escape.
/// </summary>
internal static class TerminalText
{
    /// <summary>Writes one line, escaped.</summary>
    public static void WriteLine(TextWriter writer, string line) => writer.WriteLine(Escape(line));

    /// <summary>Writes one line, escaped.</summary>
    public static Task WriteLineAsync(TextWriter writer, string line) => writer.WriteLineAsync(Escape(line));

    /// <summary>
    /// <paramref name="text"/> with each control (C0, DEL, C1), format (bidi overrides and marks, zero-width characters),
    /// line or paragraph separator and unpaired surrogate written as <c>\xNN</c> or <c>\uNNNN</c>. Unchanged when it has none.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = IndexOfUnsafe(text, 0);
        if (first < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        escaped.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(text, i);
                if (IsUnsafe(category))
                {
                    escaped.Append(CultureInfo.InvariantCulture, $"\\U{char.ConvertToUtf32(c, text[i + 1]):X8}");
                }
                else
                {
                    escaped.Append(c).Append(text[i + 1]);
                }

                i++;
            }
            else if (IsUnsafe(c))
            {
                escaped.Append(c <= '\u00FF' ? "\\x" : "\\u").Append(((int)c).ToString(c <= '\u00FF' ? "X2" : "X4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>Whether <paramref name="text"/> has nothing <see cref="Escape"/> would change.</summary>
    public static bool IsSafe(string text) => IndexOfUnsafe(text, 0) < 0;

    private static int IndexOfUnsafe(string text, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= ' ' and < '\u007F')
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (IsUnsafe(CharUnicodeInfo.GetUnicodeCategory(text, i)))
                {
                    return i;
                }

                i++;
                continue;
            }

            if (IsUnsafe(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsUnsafe(char c) => char.IsSurrogate(c) || IsUnsafe(CharUnicodeInfo.GetUnicodeCategory(c));

    private static bool IsUnsafe(UnicodeCategory category) => category is UnicodeCategory.Control
        or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.Surrogate;
}
