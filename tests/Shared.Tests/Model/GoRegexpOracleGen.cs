using System.Text;
using CsCheck;

namespace ImageTrust.Shared.Tests.Model;

/// <summary>Random patterns of the oracle's grammar, for CsCheck.</summary>
internal static class GoRegexpOracleGen
{
    private static readonly Gen<char> s_char = Gen.Char[GoRegexpOracle.Alphabet];

    /// <summary>Values to match: short strings over the alphabet.</summary>
    public static Gen<string> Value { get; } = s_char.Array[0, 7].Select(chars => new string(chars));

    /// <summary>Patterns nested at most <paramref name="depth"/> deep.</summary>
    public static Gen<GoRegexpOracle> Pattern(int depth)
    {
        var leaf = Gen.Frequency(
            (6, s_char.Select(c => (GoRegexpOracle)new GoRegexpOracle.Literal(c))),
            (1, Gen.Const((GoRegexpOracle)new GoRegexpOracle.AnyCharacter())),
            (2, Gen.Char["dDwWsS"].Select(c => (GoRegexpOracle)new GoRegexpOracle.PerlClass(c))),
            (2, Gen.OneOf<string>("^", "$", @"\A", @"\z", @"\b", @"\B").Select(t => (GoRegexpOracle)new GoRegexpOracle.Assertion(t))),
            (3, Gen.Select(Gen.Bool, ClassItem.Array[1, 3]).Select((negated, items) => (GoRegexpOracle)new GoRegexpOracle.CharacterClass(negated, items))));
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Pattern(depth - 1);
        var flag = Gen.OneOf<bool?>(null, true, false);
        return Gen.Frequency(
            (4, leaf),
            (3, inner.Array[2, 4].Select(parts => (GoRegexpOracle)new GoRegexpOracle.Concatenation(parts))),
            (2, inner.Array[2, 3].Select(choices => (GoRegexpOracle)new GoRegexpOracle.Alternation(choices))),
            (3, Gen.Select(inner, Quantifier, Gen.Bool).Select((body, bounds, lazy) => (GoRegexpOracle)new GoRegexpOracle.Repetition(body, bounds.Min, bounds.Max, lazy))),
            (3, Gen.Select(inner, flag, flag, flag).Select((body, i, m, s) => (GoRegexpOracle)new GoRegexpOracle.Group(FlagGroup(i, m, s), body, i, m, s))),
            (1, inner.Select(body => (GoRegexpOracle)new GoRegexpOracle.Group("(", body, null, null, null))));
    }

    private static Gen<(int Min, int Max)> Quantifier { get; } = Gen.OneOf<(int Min, int Max)>((0, -1), (1, -1), (0, 1), (2, 2), (1, 3), (2, -1), (0, 0));

    private static Gen<GoRegexpOracle.ClassItem> ClassItem { get; } = Gen.Frequency(
        (5, s_char.Select(c => (GoRegexpOracle.ClassItem)new GoRegexpOracle.ClassItem.Single(c))),
        (2, Gen.OneOf<(char, char)>(('a', 'c'), ('A', 'Z'), ('j', 'l'), ('0', '9'), ('r', 't')).Select(r => (GoRegexpOracle.ClassItem)new GoRegexpOracle.ClassItem.Range(r.Item1, r.Item2))),
        (2, Gen.Char["dDwWsS"].Select(c => (GoRegexpOracle.ClassItem)new GoRegexpOracle.ClassItem.Perl(c))));

    private static string FlagGroup(bool? i, bool? m, bool? s)
    {
        var set = new StringBuilder();
        var clear = new StringBuilder();
        foreach (var (letter, value) in new[] { ('i', i), ('m', m), ('s', s) })
        {
            (value == true ? set : value == false ? clear : null)?.Append(letter);
        }

        return "(?" + set + (clear.Length > 0 ? "-" + clear : string.Empty) + ":";
    }
}
