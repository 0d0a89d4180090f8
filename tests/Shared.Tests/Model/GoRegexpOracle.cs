namespace ImageTrust.Shared.Tests.Model;

/// <summary>
/// An independent oracle for Go regexp semantics over a small, safe grammar: a syntax tree that prints itself as Go
/// regexp text and is matched directly by a tiny backtracking matcher written from Go's <c>regexp/syntax</c>
/// documentation. It shares nothing with the translator under test (which only ever sees the printed text).
/// </summary>
internal abstract record GoRegexpOracle
{
    /// <summary>The characters test values and literals are drawn from: ASCII letters with their non-ASCII folds, digits, separators.</summary>
    public const string Alphabet = "aAbBkKsS_1 \n-.\u212A\u017F\u00E9";

    /// <summary>Go syntax for this node.</summary>
    public abstract string Print();

    /// <summary>Whether the pattern contains <c>\b</c> or <c>\B</c>.</summary>
    public virtual bool HasWordBoundary => false;

    /// <summary>Whether a non-ASCII character other than U+212A and U+017F is matched case-insensitively (ImageTrust refuses those).</summary>
    public virtual bool FoldsNonAscii(bool foldCase) => false;

    private static bool IsUnknownFold(char c) => c > 0x7F && c is not '\u212A' and not '\u017F';

    /// <summary>Unanchored match, as Go's <c>MatchString</c>: some substring matches.</summary>
    public bool IsMatch(string input)
    {
        for (var start = 0; start <= input.Length; start++)
        {
            if (Match(input, start, default, _ => true))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Matches at <paramref name="position"/> and calls <paramref name="next"/> with each end position until it accepts.</summary>
    public abstract bool Match(string input, int position, Flags flags, Func<int, bool> next);

    /// <summary>The flags in force: i (fold case), m (multi-line), s (dot matches newline).</summary>
    internal readonly record struct Flags(bool FoldCase, bool MultiLine, bool DotNewline);

    /// <summary>Go's simple case folding orbit of <paramref name="c"/> within the alphabet: ASCII letter pairs plus K/k/U+212A and S/s/U+017F.</summary>
    public static string Orbit(char c) => c switch
    {
        'k' or 'K' or '\u212A' => "kK\u212A",
        's' or 'S' or '\u017F' => "sS\u017F",
        _ when char.IsAsciiLetter(c) => new string([char.ToLowerInvariant(c), char.ToUpperInvariant(c)]),
        _ => c.ToString(),
    };

    /// <summary>Go's ASCII word characters: <c>[0-9A-Za-z_]</c>.</summary>
    public static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static string EscapeLiteral(char c) => c switch
    {
        '\n' => @"\n",
        '.' or '-' => "\\" + c,
        _ when c > 0x7F => $@"\x{{{(int)c:x}}}",
        _ => c.ToString(),
    };

    /// <summary>One character.</summary>
    public sealed record Literal(char Value) : GoRegexpOracle
    {
        public override string Print() => EscapeLiteral(Value);

        public override bool FoldsNonAscii(bool foldCase) => foldCase && IsUnknownFold(Value);

        public override bool Match(string input, int position, Flags flags, Func<int, bool> next)
            => position < input.Length
               && (input[position] == Value || (flags.FoldCase && Orbit(Value).Contains(input[position], StringComparison.Ordinal)))
               && next(position + 1);
    }

    /// <summary><c>.</c></summary>
    public sealed record AnyCharacter : GoRegexpOracle
    {
        public override string Print() => ".";

        public override bool Match(string input, int position, Flags flags, Func<int, bool> next)
            => position < input.Length && (flags.DotNewline || input[position] != '\n') && next(position + 1);
    }

    /// <summary>A class <c>[…]</c> or <c>[^…]</c> of items; an item is a character, a range, or a Perl class such as <c>\W</c>.</summary>
    public sealed record CharacterClass(bool Negated, IReadOnlyList<ClassItem> Items) : GoRegexpOracle
    {
        public override string Print() => "[" + (Negated ? "^" : string.Empty) + string.Concat(Items.Select(item => item.Print())) + "]";

        public override bool FoldsNonAscii(bool foldCase) => foldCase && Items.Any(item => item is ClassItem.Single single && IsUnknownFold(single.Value));

        public override bool Match(string input, int position, Flags flags, Func<int, bool> next)
            => position < input.Length && (Items.Any(item => item.Contains(input[position], flags.FoldCase)) != Negated) && next(position + 1);
    }

    /// <summary>A Perl class outside brackets: <c>\d \D \w \W \s \S</c>.</summary>
    public sealed record PerlClass(char Letter) : GoRegexpOracle
    {
        public override string Print() => "\\" + Letter;

        public override bool Match(string input, int position, Flags flags, Func<int, bool> next)
            => position < input.Length && new ClassItem.Perl(Letter).Contains(input[position], flags.FoldCase) && next(position + 1);
    }

    /// <summary><c>^ $ \A \z \b \B</c>.</summary>
    public sealed record Assertion(string Text) : GoRegexpOracle
    {
        public override string Print() => Text;

        public override bool HasWordBoundary => Text is @"\b" or @"\B";

        public override bool Match(string input, int position, Flags flags, Func<int, bool> next)
        {
            var atStart = position == 0;
            var atEnd = position == input.Length;
            var holds = Text switch
            {
                "^" => atStart || (flags.MultiLine && input[position - 1] == '\n'),
                "$" => atEnd || (flags.MultiLine && input[position] == '\n'),
                @"\A" => atStart,
                @"\z" => atEnd,
                _ => (!atStart && IsWord(input[position - 1])) != (!atEnd && IsWord(input[position])) == (Text == @"\b"),
            };
            return holds && next(position);
        }
    }

    /// <summary>A sequence.</summary>
    public sealed record Concatenation(IReadOnlyList<GoRegexpOracle> Parts) : GoRegexpOracle
    {
        public override string Print() => string.Concat(Parts.Select(part => part.Print()));

        public override bool HasWordBoundary => Parts.Any(part => part.HasWordBoundary);

        public override bool FoldsNonAscii(bool foldCase) => Parts.Any(part => part.FoldsNonAscii(foldCase));

        public override bool Match(string input, int position, Flags flags, Func<int, bool> next) => MatchFrom(0, input, position, flags, next);

        private bool MatchFrom(int index, string input, int position, Flags flags, Func<int, bool> next)
            => index == Parts.Count ? next(position) : Parts[index].Match(input, position, flags, end => MatchFrom(index + 1, input, end, flags, next));
    }

    /// <summary><c>x|y</c>, printed inside a non-capturing group.</summary>
    public sealed record Alternation(IReadOnlyList<GoRegexpOracle> Choices) : GoRegexpOracle
    {
        public override string Print() => "(?:" + string.Join("|", Choices.Select(choice => choice.Print())) + ")";

        public override bool HasWordBoundary => Choices.Any(choice => choice.HasWordBoundary);

        public override bool FoldsNonAscii(bool foldCase) => Choices.Any(choice => choice.FoldsNonAscii(foldCase));

        public override bool Match(string input, int position, Flags flags, Func<int, bool> next)
            => Choices.Any(choice => choice.Match(input, position, flags, next));
    }

    /// <summary>A group: capturing <c>(x)</c>, named <c>(?P&lt;n&gt;x)</c>, or with flags <c>(?i-m:x)</c>.</summary>
    public sealed record Group(string Opening, GoRegexpOracle Body, bool? FoldCase, bool? MultiLine, bool? DotNewline) : GoRegexpOracle
    {
        public override string Print() => Opening + Body.Print() + ")";

        public override bool HasWordBoundary => Body.HasWordBoundary;

        public override bool FoldsNonAscii(bool foldCase) => Body.FoldsNonAscii(FoldCase ?? foldCase);

        public override bool Match(string input, int position, Flags flags, Func<int, bool> next)
            => Body.Match(input, position, new Flags(FoldCase ?? flags.FoldCase, MultiLine ?? flags.MultiLine, DotNewline ?? flags.DotNewline), next);
    }

    /// <summary><c>x* x+ x? x{n} x{n,} x{n,m}</c> (and their non-greedy forms, which match the same strings).</summary>
    public sealed record Repetition(GoRegexpOracle Body, int Min, int Max, bool NonGreedy) : GoRegexpOracle
    {
        public override string Print()
        {
            var body = Body is Literal or AnyCharacter or CharacterClass or PerlClass or Group or Alternation ? Body.Print() : "(?:" + Body.Print() + ")";
            var operation = (Min, Max) switch
            {
                (0, -1) => "*",
                (1, -1) => "+",
                (0, 1) => "?",
                (_, -1) => $"{{{Min},}}",
                _ when Min == Max => $"{{{Min}}}",
                _ => $"{{{Min},{Max}}}",
            };
            return body + operation + (NonGreedy ? "?" : string.Empty);
        }

        public override bool HasWordBoundary => Body.HasWordBoundary;

        public override bool FoldsNonAscii(bool foldCase) => Body.FoldsNonAscii(foldCase);

        public override bool Match(string input, int position, Flags flags, Func<int, bool> next) => Repeat(0, input, position, flags, next);

        private bool Repeat(int count, string input, int position, Flags flags, Func<int, bool> next)
        {
            if (count >= Min && next(position))
            {
                return true;
            }

            if (Max >= 0 && count == Max)
            {
                return false;
            }

            // An iteration that consumes nothing adds nothing once the minimum is reached (and would loop forever).
            return Body.Match(input, position, flags, end => (end != position || count < Min) && Repeat(count + 1, input, end, flags, next));
        }
    }

    /// <summary>An element of a character class.</summary>
    internal abstract record ClassItem
    {
        public abstract string Print();

        /// <summary>Whether <paramref name="c"/> is in the item; under case folding, Go first closes the item under folding (a negated Perl class is the negation of the closed class).</summary>
        public abstract bool Contains(char c, bool foldCase);

        public sealed record Single(char Value) : ClassItem
        {
            public override string Print() => Value is '^' or ']' or '[' or '\\' ? "\\" + Value : EscapeLiteral(Value);

            public override bool Contains(char c, bool foldCase) => foldCase ? Orbit(c).Contains(Value, StringComparison.Ordinal) : c == Value;
        }

        public sealed record Range(char Low, char High) : ClassItem
        {
            public override string Print() => $"{Low}-{High}";

            public override bool Contains(char c, bool foldCase) => (foldCase ? Orbit(c) : c.ToString()).Any(x => x >= Low && x <= High);
        }

        public sealed record Perl(char Letter) : ClassItem
        {
            public override string Print() => "\\" + Letter;

            public override bool Contains(char c, bool foldCase)
            {
                Func<char, bool> positive = char.ToLowerInvariant(Letter) switch
                {
                    'd' => char.IsAsciiDigit,
                    'w' => IsWord,
                    _ => x => x is '\t' or '\n' or '\f' or '\r' or ' ',
                };
                var inClosure = (foldCase ? Orbit(c) : c.ToString()).Any(positive);
                return char.IsUpper(Letter) ? !inClosure : inClosure;
            }
        }
    }
}
