using System.Text;
using System.Text.Json;
using CsCheck;
using ImageTrust.Signing.Json;

namespace ImageTrust.Shared.Tests.Signing.Json;

public sealed class GoJsonFieldNameTests
{
    // The spellings unicode.SimpleFold's documentation and tests give: K k U+212A and S s U+017F are one orbit each.
    [Theory]
    [InlineData("kind", "kind")]
    [InlineData("kind", "KIND")]
    [InlineData("kind", "\u212Aind")]
    [InlineData("KIND", "\u212Aind")]
    [InlineData("signature", "\u017Fignature")]
    [InlineData("signature", "\u017FIGNATURE")]
    [InlineData("docker-manifest-digest", "doc\u212Aer-manife\u017Ft-DIGEST")]
    public void Match_GoFoldSpelling_FieldOfFoldedName(string name, string key)
    {
        Assert.Equal(KeyMatch.Field, GoJsonFieldName.Folded(name).Match(Encoding.UTF8.GetBytes(key)));
        Assert.Equal(key == name ? KeyMatch.Field : KeyMatch.Conflict, GoJsonFieldName.Exact(name).Match(Encoding.UTF8.GetBytes(key)));
    }

    // U+0130 and U+0131 have upper/lower mappings to I and i but no case folding: Go matches neither to i, upper(lower(r)) does.
    [Theory]
    [InlineData("image", "\u0130mage")]
    [InlineData("image", "\u0131mage")]
    [InlineData("identity", "\u0130DENT\u0131TY")]
    [InlineData("digest", "d\u0130gest")]
    public void Match_DottedOrDotlessI_Conflict(string name, string key)
    {
        Assert.Equal(KeyMatch.Conflict, GoJsonFieldName.Folded(name).Match(Encoding.UTF8.GetBytes(key)));
        Assert.Equal(KeyMatch.Conflict, GoJsonFieldName.Exact(name).Match(Encoding.UTF8.GetBytes(key)));
    }

    [Theory]
    [InlineData("kind", "kinds")]
    [InlineData("kind", "kin")]
    [InlineData("kind", "k\u0131nd\u0131")]
    [InlineData("docker-reference", "docker_reference")]
    [InlineData("docker-reference", "dockerreference")]
    [InlineData("a-b", "a\u2010b")]
    [InlineData("sha", "\u00DFha")]
    [InlineData("kind", "\uFF4Bind")]
    [InlineData("kind", "")]
    public void Match_OtherKey_None(string name, string key)
    {
        Assert.Equal(KeyMatch.None, GoJsonFieldName.Folded(name).Match(Encoding.UTF8.GetBytes(key)));
    }

    [Fact]
    public void Match_ProtoFieldName_ConflictForExactField()
    {
        var field = GoJsonFieldName.Exact("payloadType", "payload_type");

        Assert.Equal(KeyMatch.Field, field.Match("payloadType"u8));
        Assert.Equal(KeyMatch.Conflict, field.Match("payload_type"u8));
        Assert.Equal(KeyMatch.Conflict, field.Match("PayloadType"u8));
        Assert.Equal(KeyMatch.None, field.Match("payload"u8));
    }

    [Fact]
    public void Match_InvalidUtf8Key_None()
    {
        Assert.Equal(KeyMatch.None, GoJsonFieldName.Folded("kind").Match([0xE2, 0x84, (byte)'i', (byte)'n', (byte)'d']));
    }

    // Go builds unicode.SimpleFold's orbits from CaseFolding.txt's common and simple foldings (C, S); a rune without one
    // falls back to its upper/lower mapping, except U+0130 and U+0131, which Go's tables give orbits of their own. Read
    // from Unicode's own data: the folding orbits of the ASCII letters hold only the Kelvin sign and the long s besides them.
    [Fact]
    public void UnicodeCaseFolding_AsciiLetterOrbits_HoldOnlyKelvinSignAndLongS()
    {
        Assert.Equal([0x017F, 0x212A], NonAsciiLinkedToAsciiLetters(UnicodeCaseData.SimpleFoldings()));
    }

    // Any rule built from Unicode's simple case data (a naive upper(lower(r)) fold included) links only the Turkish i's as
    // well: these four runes are all the non-ASCII ones GoJsonFieldName has to consider. (.NET's own casing tables omit
    // exactly these mappings into ASCII, so they cannot serve here.)
    [Fact]
    public void UnicodeCaseData_AnyCaseRelationToAsciiLetters_OnlyKelvinLongSAndTurkishI()
    {
        Assert.Equal([0x0130, 0x0131, 0x017F, 0x212A], NonAsciiLinkedToAsciiLetters([.. UnicodeCaseData.SimpleFoldings(), .. UnicodeCaseData.SimpleCaseMappings()]));
    }

    // Every code point, as a one-rune key, against every one-letter field: a field only as Go folds it, a conflict only for
    // the Turkish i's, nothing else.
    [Fact]
    public void Match_EveryCodePointAgainstEveryLetter_AsGoFoldsIt()
    {
        var fields = Enumerable.Range('a', 26).Select(c => GoJsonFieldName.Folded(((char)c).ToString())).ToArray();
        var goFolds = fields.Select(field => GoFoldOracle.GoFold(field.Name)).ToArray();
        var naiveFolds = fields.Select(field => GoFoldOracle.NaiveFold(field.Name)).ToArray();
        Span<byte> key = stackalloc byte[4];
        for (var value = 0; value <= 0x10FFFF; value++)
        {
            if (!Rune.IsValid(value))
            {
                continue;
            }

            var rune = new Rune(value);
            var length = rune.EncodeToUtf8(key);
            var text = rune.ToString();
            var goFold = GoFoldOracle.GoFold(text);
            var naiveFold = GoFoldOracle.NaiveFold(text);
            for (var i = 0; i < fields.Length; i++)
            {
                var field = fields[i];
                var expected = text == field.Name || goFold == goFolds[i] ? KeyMatch.Field
                    : naiveFold == naiveFolds[i] ? KeyMatch.Conflict
                    : KeyMatch.None;
                var actual = field.Match(key[..length]);
                if (actual != expected)
                {
                    Assert.Fail($"U+{value:X4} against '{field.Name}': {actual}, expected {expected}");
                }
            }
        }
    }

    // Random spellings of random field names, written into JSON (raw or \u-escaped) and read back as a reader of signed JSON
    // reads a key: the match is the oracle's.
    [Fact]
    public void Match_RandomSpellingsThroughJson_AsGoOracle()
    {
        var names = Gen.Char["abcdefghijklmnopqrstuvwxyzKS-_."].Array[1, 12].Select(chars => new string(chars));
        Gen.Select(names, Gen.Int, Gen.Bool).Sample((name, seed, exact) =>
        {
            var random = new Random(seed);
            var key = Spell(random, name);
            var field = exact ? GoJsonFieldName.Exact(name) : GoJsonFieldName.Folded(name);
            var expected = key == name ? KeyMatch.Field
                : GoFoldOracle.GoMatches(key, name) ? (exact ? KeyMatch.Conflict : KeyMatch.Field)
                : GoFoldOracle.NaiveMatches(key, name) ? KeyMatch.Conflict
                : KeyMatch.None;

            var json = Encoding.UTF8.GetBytes("{" + Quote(random, key) + ":1}");
            var reader = new Utf8JsonReader(json);
            reader.Read();
            reader.Read();
            Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
            Assert.Equal(expected, field.Match(JsonKey.Read(ref reader, buffer)));
            using var document = JsonDocument.Parse(json);
            Assert.Equal(expected, field.Match(JsonKey.Read(document.RootElement.EnumerateObject().First(), buffer)));
        }, iter: 20_000);
    }

    [Theory]
    [InlineData("{\"a\\ud800\":1}")]
    [InlineData("{\"\\udc00\":1}")]
    public void Read_LoneSurrogateEscape_FormatException(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Throws<FormatException>(() =>
        {
            var reader = new Utf8JsonReader(bytes);
            reader.Read();
            reader.Read();
            JsonKey.Read(ref reader, stackalloc byte[JsonKey.BufferBytes]);
        });
        using var document = JsonDocument.Parse(bytes);
        Assert.Throws<FormatException>(() => JsonKey.Read(document.RootElement.EnumerateObject().First(), stackalloc byte[JsonKey.BufferBytes]));
    }

    [Fact]
    public void Read_InvalidUtf8Key_FormatException()
    {
        byte[] json = [.. "{\"a"u8, 0xFF, .. "\":1}"u8];
        Assert.Throws<FormatException>(() =>
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            reader.Read();
            JsonKey.Read(ref reader, stackalloc byte[JsonKey.BufferBytes]);
        });
    }

    [Fact]
    public void Read_LongEscapedKey_CheckedAndNamesNothing()
    {
        var key = string.Concat(Enumerable.Repeat("\\u0041", 100));
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes("{\"" + key + "\":1}"));
        reader.Read();
        reader.Read();

        Assert.True(JsonKey.Read(ref reader, stackalloc byte[JsonKey.BufferBytes]).IsEmpty);
    }

    [Fact]
    public void ConflictMessage_NonAsciiKey_EscapedForTerminals()
    {
        var message = JsonKey.ConflictMessage(Encoding.UTF8.GetBytes("\u0130mage\u001b[2J"), "image");

        Assert.Contains("\\u0130mage\\u001B[2J", message, StringComparison.Ordinal);
        Assert.True(message.All(c => c is >= ' ' and <= '~'));
    }

    /// <summary>The non-ASCII code points connected to an ASCII letter through <paramref name="links"/>.</summary>
    private static int[] NonAsciiLinkedToAsciiLetters(IEnumerable<(int From, int To)> links)
    {
        var neighbours = new Dictionary<int, List<int>>();
        foreach (var (from, to) in links)
        {
            Neighbours(from).Add(to);
            Neighbours(to).Add(from);
        }

        var reached = new HashSet<int>();
        var pending = new Stack<int>(Enumerable.Range('A', 26).Concat(Enumerable.Range('a', 26)));
        while (pending.TryPop(out var current))
        {
            if (reached.Add(current) && neighbours.TryGetValue(current, out var next))
            {
                next.ForEach(pending.Push);
            }
        }

        return [.. reached.Where(value => value > 0x7F).Order()];

        List<int> Neighbours(int value) => neighbours.TryGetValue(value, out var list) ? list : neighbours[value] = [];
    }

    /// <summary>A spelling of <paramref name="name"/>: each character as is, in the other case, as a fold-related rune, or changed.</summary>
    private static string Spell(Random random, string name)
    {
        var key = new StringBuilder();
        foreach (var c in name)
        {
            var roll = random.Next(10);
            var related = char.ToUpperInvariant(c) switch
            {
                'K' => "\u212A",
                'S' => "\u017F",
                'I' => random.Next(2) == 0 ? "\u0130" : "\u0131",
                _ => null,
            };
            key.Append(roll switch
            {
                < 4 => c.ToString(),
                < 6 => char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c).ToString() : char.ToLowerInvariant(c).ToString(),
                < 8 when related is not null => related,
                8 => random.Next(4) switch { 0 => "\u00DF", 1 => "x", 2 => "\uFF21", _ => "" },
                _ => c.ToString(),
            });
        }

        if (random.Next(10) == 0)
        {
            key.Append(random.Next(2) == 0 ? "\u212A" : "_");
        }

        return key.ToString();
    }

    /// <summary>The key as a JSON string, some characters \u-escaped.</summary>
    private static string Quote(Random random, string key)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in key)
        {
            quoted.Append(random.Next(4) == 0 || c > 0x7E ? (random.Next(2) == 0 ? c.ToString() : $"\\u{(int)c:X4}") : c.ToString());
        }

        return quoted.Append('"').ToString();
    }
}
