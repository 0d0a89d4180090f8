using System.Text;

namespace ImageTrust.Shared.Tests.Signing.Classic;

/// <summary>
/// Random JSON-like documents for differential tests: objects with repeated, escaped and mistyped properties, strings with
/// escapes, lone surrogates and invalid UTF-8, and documents truncated or with a byte changed.
/// </summary>
internal static class JsonFragments
{
    // Stands for one invalid UTF-8 byte (0xFF) in the generated text.
    private const char InvalidByte = '\uE000';

    /// <summary>An object of <paramref name="properties"/> (name, value JSON), shuffled, some repeated.</summary>
    public static string Object(Random random, IReadOnlyList<(string Name, string Value)> properties)
    {
        var chosen = new List<(string Name, string Value)>();
        foreach (var property in properties)
        {
            if (random.Next(6) != 0)
            {
                chosen.Add(property);
            }

            if (random.Next(8) == 0)
            {
                chosen.Add(property);
            }
        }

        if (random.Next(3) == 0)
        {
            chosen.Add(("other", Pick(random, "1", "\"x\"", "{}", "[1,{\"a\":null}]", "null")));
        }

        var shuffled = chosen.OrderBy(_ => random.Next()).Select(property => $"{Name(random, property.Name)}:{property.Value}");
        return "{" + string.Join(",", shuffled) + "}";
    }

    /// <summary>A property name, sometimes with an escaped character or a stray invalid byte.</summary>
    public static string Name(Random random, string name) => random.Next(12) switch
    {
        3 => "\"" + GoFoldSpelling(random, name) + "\"",
        2 => "\"" + name + "\\udc00\"",
        0 when name.Length > 0 => "\"\\u" + ((int)name[0]).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) + name[1..] + "\"",
        1 => "\"" + name + InvalidByte + "\"",
        _ => "\"" + name + "\"",
    };

    /// <summary>Another spelling Go's encoding/json reads as <paramref name="name"/>: case changed, k/s as U+212A/U+017F (raw or escaped), or i as U+0130.</summary>
    public static string GoFoldSpelling(Random random, string name) => string.Concat(name.Select(c => (char.ToLowerInvariant(c), random.Next(4)) switch
    {
        ('k', 0) => "\u212A",
        ('k', 1) => "\\u212a",
        ('s', 0) => "\u017F",
        ('s', 1) => "\\u017f",
        ('i', 0) when random.Next(4) == 0 => "\u0130",
        (_, 2) => char.ToUpperInvariant(c).ToString(),
        _ => c.ToString(),
    }));

    /// <summary>A string token for <paramref name="value"/>, sometimes escaped differently, or a broken variant.</summary>
    public static string String(Random random, string value) => random.Next(14) switch
    {
        0 => "\"\"",
        1 => "\"" + value + "\\ud800\"",
        2 => "\"" + value + InvalidByte + "\"",
        3 => "\"" + value.Replace("/", "\\/", StringComparison.Ordinal) + "\"",
        4 => "\"\\u0020" + value + "\\n\"",
        5 => Pick(random, "1", "null", "{}", "[]", "true"),
        _ => "\"" + value + "\"",
    };

    /// <summary>
    /// A description for comparing two readers: whether they refuse, and what they read when they accept. Which error
    /// each reports first may differ: the single-pass readers meet problems in document order.
    /// </summary>
    public static string Outcome(string description) => description.StartsWith("error:", StringComparison.Ordinal) ? "error" : description;

    /// <summary>One of <paramref name="choices"/>.</summary>
    public static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];

    /// <summary>The UTF-8 bytes, with the invalid-byte marker as 0xFF, sometimes truncated or with one byte changed.</summary>
    public static byte[] Bytes(Random random, string text)
    {
        var bytes = new List<byte>();
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == InvalidByte)
            {
                bytes.Add(0xFF);
                continue;
            }

            bytes.AddRange(buffer[..rune.EncodeToUtf8(buffer)]);
        }

        switch (random.Next(12))
        {
            case 0 when bytes.Count > 0:
                var cut = random.Next(bytes.Count);
                bytes.RemoveRange(cut, bytes.Count - cut);
                break;
            case 1 when bytes.Count > 0:
                bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                break;
            case 2 when bytes.Count > 0:
                bytes.RemoveRange(random.Next(bytes.Count), 1);
                break;
            case 3:
                bytes.AddRange(Encoding.UTF8.GetBytes(Pick(random, " ", "x", "{}", "\n")));
                break;
        }

        return [.. bytes];
    }
}
