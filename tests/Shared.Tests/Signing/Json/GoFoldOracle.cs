using System.Text;

namespace ImageTrust.Shared.Tests.Signing.Json;

/// <summary>
/// Go's key-to-field rule written from its documentation, as a test oracle over strings: encoding/json's <c>foldName</c>
/// upper-cases ASCII letters and maps other runes to the smallest rune of their <c>unicode.SimpleFold</c> orbit. The only
/// orbits holding an ASCII letter besides its two cases are those the <c>unicode.SimpleFold</c> documentation gives:
/// K k U+212A and S s U+017F; U+0130 and U+0131 are orbits of their own ("has lower/upper but no case fold").
/// </summary>
internal static class GoFoldOracle
{
    /// <summary>Whether Go's encoding/json decodes key <paramref name="key"/> into a field named <paramref name="name"/>.</summary>
    public static bool GoMatches(string key, string name) => key == name || GoFold(key) == GoFold(name);

    /// <summary>Whether a naive upper(lower(r)) fold, which takes U+0130 and U+0131 for i, would match them.</summary>
    public static bool NaiveMatches(string key, string name) => NaiveFold(key) == NaiveFold(name);

    /// <summary>Go's <c>foldName</c> of <paramref name="text"/>.</summary>
    public static string GoFold(string text) => Fold(text, naive: false);

    /// <summary>The naive upper(lower(r)) fold of <paramref name="text"/>, restricted to what reaches ASCII.</summary>
    public static string NaiveFold(string text) => Fold(text, naive: true);

    private static string Fold(string text, bool naive)
    {
        var folded = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value switch
            {
                >= 'a' and <= 'z' => rune.Value - ('a' - 'A'),
                0x212A => 'K',
                0x017F => 'S',
                0x0130 or 0x0131 when naive => 'I',
                _ => rune.Value,
            };
            folded.Append(char.ConvertFromUtf32(value));
        }

        return folded.ToString();
    }
}
