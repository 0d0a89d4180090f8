using System.Globalization;

namespace ImageTrust.Shared.Tests.Signing.Json;

/// <summary>
/// Unicode 15.0's case data, read from Unicode's files (embedded: CaseFolding.txt as published, and the simple case
/// mapping fields of UnicodeData.txt), independent of .NET's casing tables.
/// </summary>
internal static class UnicodeCaseData
{
    /// <summary>The common and simple case foldings (status C and S): code point → folded code point.</summary>
    public static IEnumerable<(int From, int To)> SimpleFoldings() =>
        from line in Lines("Unicode.CaseFolding.txt")
        let fields = line.Split(';')
        where fields[1].Trim() is "C" or "S"
        select (Hex(fields[0]), Hex(fields[2]));

    /// <summary>The simple uppercase and lowercase mappings: code point → mapped code point.</summary>
    public static IEnumerable<(int From, int To)> SimpleCaseMappings() =>
        from line in Lines("Unicode.UnicodeSimpleCase.txt")
        let fields = line.Split(';')
        from mapped in fields.Skip(1)
        where mapped.Length > 0
        select (Hex(fields[0]), Hex(mapped));

    private static IEnumerable<string> Lines(string resource)
    {
        using var stream = typeof(UnicodeCaseData).Assembly.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"missing resource {resource}");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static int Hex(string text) => int.Parse(text.Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
