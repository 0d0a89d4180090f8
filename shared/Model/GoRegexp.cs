using System.Globalization;
using System.Text;

namespace ImageTrust.Model;

/// <summary>
/// Reads a regular expression in Go's <c>regexp</c> syntax (RE2's, with Go's Perl flags), which is how cosign compiles policy
/// and flag regexps, and writes a .NET pattern that matches exactly the same values, under these documented rules:
/// <list type="bullet">
/// <item>A value with a character outside the Basic Multilingual Plane (a surrogate) never matches: Go matches code
/// points, .NET UTF-16 units (see <see cref="StringMatcher.IsMatch"/>).</item>
/// <item>A pattern with <c>\b</c> or <c>\B</c> never matches a value with a non-ASCII character: Go's boundaries are ASCII,
/// .NET's Unicode.</item>
/// <item>Refused although Go accepts them: Unicode classes (<c>\pL</c>, <c>\p{Greek}</c>), case-insensitive non-ASCII
/// characters, patterns over 8,192 characters or nested over 100 groups deep.</item>
/// </list>
/// Everything else follows Go: <c>$</c> is the end of text (<c>\z</c>), not before a final newline as in .NET; <c>\d \w \s</c>,
/// POSIX classes and <c>\b</c> are ASCII; <c>(?i)</c> folds as Go does (including K/k/U+212A and S/s/U+017F); classes have no
/// .NET subtraction; escapes, counted repetitions (at most 1,000, nested products too), groups and flags as in Go, whose
/// errors are errors here. The output uses only explicit character classes, <c>\A \z \b \B</c> and <c>(?m:^)</c>/<c>(?m:$)</c>,
/// so it means the same under <c>RegexOptions.NonBacktracking | CultureInvariant</c> whatever .NET's own defaults are.
/// </summary>
internal static class GoRegexp
{
    /// <summary>The longest pattern accepted (Go has no such limit; ImageTrust bounds what it reads).</summary>
    public const int MaxPatternLength = 8192;

    /// <summary>The deepest group nesting accepted (Go's limit is a parse-tree height of 1,000, which this stays below).</summary>
    public const int MaxNesting = 100;

    private const int MaxRepeat = 1000;
    private const long MaxProgramSize = (128L << 20) / 40;
    private const int MaxRune = 0x10FFFF;
    private const string NeverMatches = @"[^\u0000-\uFFFF]";

    private enum Anchor
    {
        BeginText,
        EndText,
        BeginLine,
        EndLine,
        WordBoundary,
        NotWordBoundary,
    }

    private enum RepeatKind
    {
        Star,
        Plus,
        Quest,
        Counted,
    }

    /// <summary>Translates <paramref name="pattern"/>.</summary>
    /// <exception cref="FormatException">
    /// Go's <c>regexp</c> package rejects the pattern (the message says what Go lacks), or ImageTrust refuses it (the message
    /// says so and why).
    /// </exception>
    public static GoRegexpTranslation Translate(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length > MaxPatternLength)
        {
            throw Refused(pattern, $"accepts regular expressions of at most {MaxPatternLength} characters");
        }

        var parser = new Parser(pattern);
        var tree = parser.Parse();
        var size = Size(tree);
        if (size > MaxProgramSize)
        {
            throw parser.GoError("expression too large");
        }

        var output = new StringBuilder(pattern.Length * 2);
        Emit(tree, output);
        return new GoRegexpTranslation(output.ToString(), parser.HasWordBoundary, size);
    }

    private static FormatException Refused(string pattern, string why)
        => new($"regular expression '{Shorten(pattern)}' is refused: ImageTrust {why}");

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";

    /// <summary>Go's estimate of the compiled size (regexp/syntax parse.go <c>calcSize</c>); at least Go's, as literals are not factored here.</summary>
    private static long Size(Node node)
    {
        long size = node switch
        {
            Capture capture => 2 + Size(capture.Body),
            Repeat { Kind: RepeatKind.Star } star => 2 + Size(star.Body),
            Repeat { Kind: RepeatKind.Plus or RepeatKind.Quest } repeat => 1 + Size(repeat.Body),
            Repeat { Max: -1, Min: 0 } repeat => 2 + Size(repeat.Body),
            Repeat { Max: -1 } repeat => 1 + (repeat.Min * Size(repeat.Body)),
            Repeat repeat => (repeat.Max * Size(repeat.Body)) + (repeat.Max - repeat.Min),
            Sequence sequence => sequence.Items.Sum(Size),
            Choice choice => choice.Alternatives.Sum(Size) + choice.Alternatives.Count - 1,
            _ => 1,
        };
        return Math.Min(Math.Max(1, size), MaxProgramSize + 1);
    }

    /// <summary>
    /// Go's limit on nested counted repetitions (regexp/syntax parse.go <c>repeatIsValid</c>): the product of the counts,
    /// each taken as its maximum (or minimum when unbounded), must not exceed 1,000.
    /// </summary>
    private static bool RepeatIsValid(Node node, int budget)
    {
        if (node is Repeat { Kind: RepeatKind.Counted } counted)
        {
            var count = counted.Max;
            if (count == 0)
            {
                return true;
            }

            if (count < 0)
            {
                count = counted.Min;
            }

            if (count > budget)
            {
                return false;
            }

            if (count > 0)
            {
                budget /= count;
            }
        }

        return node switch
        {
            Repeat repeat => RepeatIsValid(repeat.Body, budget),
            Capture capture => RepeatIsValid(capture.Body, budget),
            Sequence sequence => sequence.Items.All(item => RepeatIsValid(item, budget)),
            Choice choice => choice.Alternatives.All(alternative => RepeatIsValid(alternative, budget)),
            _ => true,
        };
    }

    private static void Emit(Node node, StringBuilder output)
    {
        switch (node)
        {
            case CharacterSet set:
                EmitSet(set.Set, output);
                break;
            case EmptyWidth empty:
                output.Append(empty.Anchor switch
                {
                    Anchor.BeginText => @"\A",
                    Anchor.EndText => @"\z",
                    Anchor.BeginLine => "(?m:^)",
                    Anchor.EndLine => "(?m:$)",
                    Anchor.WordBoundary => @"\b",
                    _ => @"\B",
                });
                break;
            case Sequence sequence:
                if (sequence.Items.Count == 0)
                {
                    output.Append("(?:)");
                }

                foreach (var item in sequence.Items)
                {
                    Emit(item, output);
                }

                break;
            case Choice choice:
                EmitChoice(choice, output);
                break;
            case Capture capture:
                output.Append("(?:");
                Emit(capture.Body, output);
                output.Append(')');
                break;
            case Repeat repeat:
                // X+ is X* and X{n,m} is X{0,m} when X always matches the empty string; .NET 10 mis-reduces some such loops,
                // e.g. (?:r+|)+ does not match "_".
                if ((repeat.Kind == RepeatKind.Plus || (repeat.Kind == RepeatKind.Counted && repeat.Min > 0)) && AlwaysMatchesEmpty(repeat.Body))
                {
                    repeat = repeat.Kind == RepeatKind.Plus || repeat.Max < 0 ? repeat with { Kind = RepeatKind.Star, Min = 0, Max = -1 } : repeat with { Min = 0 };
                }

                output.Append("(?:");
                Emit(repeat.Body, output);
                output.Append(')');
                output.Append(repeat switch
                {
                    { Kind: RepeatKind.Star } => "*",
                    { Kind: RepeatKind.Plus } => "+",
                    { Kind: RepeatKind.Quest } => "?",
                    { Max: -1 } => string.Create(CultureInfo.InvariantCulture, $"{{{repeat.Min},}}"),
                    _ when repeat.Min == repeat.Max => string.Create(CultureInfo.InvariantCulture, $"{{{repeat.Min}}}"),
                    _ => string.Create(CultureInfo.InvariantCulture, $"{{{repeat.Min},{repeat.Max}}}"),
                });
                break;
        }
    }

    /// <summary>Whether <paramref name="node"/> matches the empty string everywhere (an assertion matches it only somewhere).</summary>
    private static bool AlwaysMatchesEmpty(Node node) => node switch
    {
        Sequence sequence => sequence.Items.All(AlwaysMatchesEmpty),
        Choice choice => choice.Alternatives.Any(AlwaysMatchesEmpty),
        Capture capture => AlwaysMatchesEmpty(capture.Body),
        Repeat { Kind: RepeatKind.Star or RepeatKind.Quest } => true,
        Repeat { Kind: RepeatKind.Plus } plus => AlwaysMatchesEmpty(plus.Body),
        Repeat counted => counted.Min == 0 || AlwaysMatchesEmpty(counted.Body),
        _ => false,
    };

    /// <summary>
    /// An alternation, with every alternative that is one character set (however grouped) merged into one set first, as Go
    /// does. .NET's own merging of set alternatives is not relied on: in .NET 10 it loses members, e.g.
    /// <c>(?:[\u0000-\u0009\u000B-\uD7FF\uE000-\uFFFF]|[\u0000-\u002F]|[\u0000-\u0040])</c> does not match "-".
    /// </summary>
    private static void EmitChoice(Choice choice, StringBuilder output)
    {
        var alternatives = new List<Node>();
        Flatten(choice, alternatives);
        var sets = alternatives.OfType<CharacterSet>().ToList();
        var others = alternatives.Where(alternative => alternative is not CharacterSet).ToList();
        if (sets.Count > 0)
        {
            var union = new RuneSet();
            foreach (var set in sets)
            {
                union.Add(set.Set);
            }

            others.Insert(0, new CharacterSet(union));
        }

        // An empty alternative makes the rest optional; .NET 10 mis-reduces some alternations with one, e.g. (?:r+|)+.
        var optional = others.RemoveAll(alternative => alternative is Sequence { Items.Count: 0 }) > 0;
        if (others.Count == 0)
        {
            output.Append("(?:)");
            return;
        }

        output.Append("(?:");
        for (var i = 0; i < others.Count; i++)
        {
            if (i > 0)
            {
                output.Append('|');
            }

            Emit(others[i], output);
        }

        output.Append(optional ? ")?" : ")");

        // Groups don't change what matches, so nested alternations are one alternation.
        static void Flatten(Node node, List<Node> into)
        {
            switch (node)
            {
                case Choice nested:
                    foreach (var alternative in nested.Alternatives)
                    {
                        Flatten(alternative, into);
                    }

                    break;
                case Capture capture:
                    Flatten(capture.Body, into);
                    break;
                case Sequence { Items: [var only] }:
                    Flatten(only, into);
                    break;
                default:
                    into.Add(node);
                    break;
            }
        }
    }

    /// <summary>
    /// A set as an explicit .NET class of <c>\uXXXX</c> ranges. Code points outside the BMP and surrogates are left out:
    /// values containing them never reach the regex.
    /// </summary>
    private static void EmitSet(RuneSet set, StringBuilder output)
    {
        var ranges = new List<(int Lo, int Hi)>();
        foreach (var (lo, hi) in set.Ranges)
        {
            AddClipped(ranges, lo, Math.Min(hi, 0xD7FF));
            AddClipped(ranges, Math.Max(lo, 0xE000), Math.Min(hi, 0xFFFF));
        }

        if (ranges.Count == 0)
        {
            output.Append(NeverMatches);
            return;
        }

        if (ranges is [var only] && only.Lo == only.Hi)
        {
            AppendUnit(output, only.Lo);
            return;
        }

        output.Append('[');
        foreach (var (lo, hi) in ranges)
        {
            AppendUnit(output, lo);
            if (hi != lo)
            {
                output.Append('-');
                AppendUnit(output, hi);
            }
        }

        output.Append(']');

        static void AddClipped(List<(int Lo, int Hi)> ranges, int lo, int hi)
        {
            if (lo <= hi)
            {
                ranges.Add((lo, hi));
            }
        }

        static void AppendUnit(StringBuilder output, int unit) => output.Append(@"\u").Append(unit.ToString("X4", CultureInfo.InvariantCulture));
    }

    private abstract record Node;

    private sealed record CharacterSet(RuneSet Set) : Node;

    private sealed record EmptyWidth(Anchor Anchor) : Node;

    private sealed record Sequence(IReadOnlyList<Node> Items) : Node;

    private sealed record Choice(IReadOnlyList<Node> Alternatives) : Node;

    private sealed record Capture(Node Body) : Node;

    /// <summary>A repetition; <see cref="Max"/> is -1 when unbounded. Greediness is dropped: it never changes whether a value matches.</summary>
    private sealed record Repeat(Node Body, RepeatKind Kind, int Min, int Max) : Node;

    /// <summary>The flags in force: i, m and s (Go's U only swaps greediness).</summary>
    private readonly record struct Flags(bool FoldCase, bool MultiLine, bool DotNewline);

    /// <summary>A set of code points as ranges, normalised (sorted, merged) when read.</summary>
    private sealed class RuneSet
    {
        private readonly List<(int Lo, int Hi)> _ranges = [];
        private bool _normalized = true;

        public static RuneSet Everything => Of(0, MaxRune);

        public IReadOnlyList<(int Lo, int Hi)> Ranges
        {
            get
            {
                Normalize();
                return _ranges;
            }
        }

        public static RuneSet Of(int lo, int hi)
        {
            var set = new RuneSet();
            set.Add(lo, hi);
            set.Normalize();
            return set;
        }

        public static RuneSet Of(RuneSet other)
        {
            var set = new RuneSet();
            set.Add(other);
            set.Normalize();
            return set;
        }

        public static RuneSet Of(string ranges)
        {
            // Pairs of characters, each a range: "09AZaz" is [0-9A-Za-z].
            var set = new RuneSet();
            for (var i = 0; i < ranges.Length; i += 2)
            {
                set.Add(ranges[i], ranges[i + 1]);
            }

            // Normalised now, so shared instances are never written to when read.
            set.Normalize();
            return set;
        }

        public void Add(int lo, int hi)
        {
            _ranges.Add((lo, hi));
            _normalized = false;
        }

        public void Add(RuneSet other)
        {
            foreach (var (lo, hi) in other.Ranges)
            {
                Add(lo, hi);
            }
        }

        public bool Contains(int rune) => Ranges.Any(range => range.Lo <= rune && rune <= range.Hi);

        public RuneSet Complement()
        {
            var result = new RuneSet();
            var next = 0;
            foreach (var (lo, hi) in Ranges)
            {
                if (lo > next)
                {
                    result.Add(next, lo - 1);
                }

                next = hi + 1;
            }

            if (next <= MaxRune)
            {
                result.Add(next, MaxRune);
            }

            return result;
        }

        /// <summary>
        /// Closes the set under Go's simple case folding, which the caller has checked it can do exactly: only ASCII and the
        /// two non-ASCII runes that fold to ASCII letters (U+017F and U+212A) are folded.
        /// </summary>
        public RuneSet FoldAscii()
        {
            var result = new RuneSet();
            result.Add(this);
            foreach (var rune in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\u017F\u212A")
            {
                if (Contains(rune))
                {
                    foreach (var folded in Orbit(rune))
                    {
                        result.Add(folded, folded);
                    }
                }
            }

            return result;
        }

        private static string Orbit(char rune) => rune switch
        {
            'k' or 'K' or '\u212A' => "kK\u212A",
            's' or 'S' or '\u017F' => "sS\u017F",
            _ => new string([char.ToLowerInvariant(rune), char.ToUpperInvariant(rune)]),
        };

        private void Normalize()
        {
            if (_normalized)
            {
                return;
            }

            _ranges.Sort((a, b) => a.Lo != b.Lo ? a.Lo.CompareTo(b.Lo) : b.Hi.CompareTo(a.Hi));
            var merged = new List<(int Lo, int Hi)>(_ranges.Count);
            foreach (var (lo, hi) in _ranges)
            {
                if (merged.Count > 0 && lo <= merged[^1].Hi + 1)
                {
                    merged[^1] = (merged[^1].Lo, Math.Max(merged[^1].Hi, hi));
                }
                else
                {
                    merged.Add((lo, hi));
                }
            }

            _ranges.Clear();
            _ranges.AddRange(merged);
            _normalized = true;
        }
    }

    /// <summary>A group being read: the flags to restore at its ')', whether it captures, and its alternatives so far.</summary>
    private sealed class Frame(Flags savedFlags, bool captures)
    {
        public Flags SavedFlags { get; } = savedFlags;

        public bool Captures { get; } = captures;

        public List<List<Node>> Alternatives { get; } = [[]];

        public Node Build()
        {
            var alternatives = Alternatives.Select(items => items.Count == 1 ? items[0] : new Sequence([.. items])).ToList();
            return alternatives.Count == 1 ? alternatives[0] : new Choice(alternatives);
        }
    }

    /// <summary>A reader of Go regexp syntax, following regexp/syntax's documentation and the behaviour of its parser.</summary>
    private sealed class Parser
    {
        private static readonly RuneSet s_digits = RuneSet.Of("09");
        private static readonly RuneSet s_space = RuneSet.Of("\t\n\f\f\r\r  ");
        private static readonly RuneSet s_word = RuneSet.Of("09AZaz__");

        private static readonly Dictionary<string, RuneSet> s_posix = new(StringComparer.Ordinal)
        {
            ["alnum"] = RuneSet.Of("09AZaz"),
            ["alpha"] = RuneSet.Of("AZaz"),
            ["ascii"] = RuneSet.Of("\u0000\u007F"),
            ["blank"] = RuneSet.Of("\t\t  "),
            ["cntrl"] = RuneSet.Of("\u0000\u001F\u007F\u007F"),
            ["digit"] = RuneSet.Of("09"),
            ["graph"] = RuneSet.Of("!~"),
            ["lower"] = RuneSet.Of("az"),
            ["print"] = RuneSet.Of(" ~"),
            ["punct"] = RuneSet.Of("!/:@[`{~"),
            ["space"] = RuneSet.Of("\t\r  "),
            ["upper"] = RuneSet.Of("AZ"),
            ["word"] = RuneSet.Of("09AZaz__"),
            ["xdigit"] = RuneSet.Of("09AFaf"),
        };

        private readonly string _pattern;
        private readonly int[] _runes;
        private readonly Stack<Frame> _frames = new();
        private Flags _flags;
        private int _position;

        public Parser(string pattern)
        {
            _pattern = pattern;
            _runes = Decode(pattern);
        }

        public bool HasWordBoundary { get; private set; }

        private List<Node> Current => _frames.Peek().Alternatives[^1];

        public FormatException GoError(string message)
            => new($"regular expression '{Shorten(_pattern)}' is not valid in Go's regexp syntax (RE2, as cosign compiles it): {message}");

        public Node Parse()
        {
            _frames.Push(new Frame(_flags, captures: false));
            var lastWasRepeat = false;
            while (_position < _runes.Length)
            {
                var isRepeat = false;
                var start = _position;
                switch (_runes[_position])
                {
                    case '(':
                        OpenGroup();
                        break;
                    case '|':
                        _frames.Peek().Alternatives.Add([]);
                        _position++;
                        break;
                    case ')':
                        CloseGroup();
                        break;
                    case '^':
                        Current.Add(new EmptyWidth(_flags.MultiLine ? Anchor.BeginLine : Anchor.BeginText));
                        _position++;
                        break;
                    case '$':
                        // Go: the end of text (like \z, not \Z) unless (?m).
                        Current.Add(new EmptyWidth(_flags.MultiLine ? Anchor.EndLine : Anchor.EndText));
                        _position++;
                        break;
                    case '.':
                        Current.Add(new CharacterSet(_flags.DotNewline ? RuneSet.Everything : RuneSet.Of('\n', '\n').Complement()));
                        _position++;
                        break;
                    case '[':
                        ParseClass();
                        break;
                    case '*' or '+' or '?':
                        var kind = _runes[_position] switch
                        {
                            '*' => RepeatKind.Star,
                            '+' => RepeatKind.Plus,
                            _ => RepeatKind.Quest,
                        };
                        _position++;
                        ApplyRepeat(kind, 0, 0, start, lastWasRepeat);
                        isRepeat = true;
                        break;
                    case '{':
                        if (TryParseCount(out var min, out var max))
                        {
                            if (min < 0 || min > MaxRepeat || max > MaxRepeat || (max >= 0 && min > max))
                            {
                                throw GoError($"invalid repeat count {Text(start, _position)} (counts are at most {MaxRepeat}, and min ≤ max)");
                            }

                            ApplyRepeat(RepeatKind.Counted, min, max, start, lastWasRepeat);
                            isRepeat = true;
                        }
                        else
                        {
                            // Not a count: a literal '{', as in Go.
                            AddLiteral('{');
                            _position++;
                        }

                        break;
                    case '\\':
                        ParseBackslash();
                        break;
                    default:
                        AddLiteral(_runes[_position]);
                        _position++;
                        break;
                }

                lastWasRepeat = isRepeat;
            }

            if (_frames.Count != 1)
            {
                throw GoError("missing closing )");
            }

            return _frames.Pop().Build();
        }

        private static int[] Decode(string pattern)
        {
            var runes = new List<int>(pattern.Length);
            for (var i = 0; i < pattern.Length; i++)
            {
                if (char.IsHighSurrogate(pattern[i]) && i + 1 < pattern.Length && char.IsLowSurrogate(pattern[i + 1]))
                {
                    runes.Add(char.ConvertToUtf32(pattern[i], pattern[i + 1]));
                    i++;
                }
                else if (char.IsSurrogate(pattern[i]))
                {
                    throw new FormatException($"regular expression '{Shorten(pattern)}' is not valid in Go's regexp syntax (RE2, as cosign compiles it): invalid UTF-8 (a lone surrogate)");
                }
                else
                {
                    runes.Add(pattern[i]);
                }
            }

            return [.. runes];
        }

        private static bool IsPerlClassLetter(int rune) => rune is 'd' or 'D' or 's' or 'S' or 'w' or 'W';

        private static int HexValue(int rune) => rune switch
        {
            >= '0' and <= '9' => rune - '0',
            >= 'a' and <= 'f' => rune - 'a' + 10,
            >= 'A' and <= 'F' => rune - 'A' + 10,
            _ => -1,
        };

        private static bool IsAsciiAlphanumeric(int rune) => rune < 0x80 && char.IsAsciiLetterOrDigit((char)rune);

        private int Peek(int offset) => _position + offset < _runes.Length ? _runes[_position + offset] : -1;

        private string Text(int start, int end)
        {
            var text = new StringBuilder();
            for (var i = start; i < end && i < _runes.Length; i++)
            {
                text.Append(char.ConvertFromUtf32(_runes[i]));
            }

            return text.ToString();
        }

        private void OpenGroup()
        {
            if (Peek(1) != '?')
            {
                Push(captures: true, _flags);
                _position++;
                return;
            }

            var remaining = _runes.Length - _position;
            var named = (Peek(2) == 'P' && Peek(3) == '<' && remaining > 4) || (Peek(2) == '<' && remaining > 3);
            if (named)
            {
                var nameStart = _position + (Peek(2) == 'P' ? 4 : 3);
                var end = Array.IndexOf(_runes, '>', _position);
                if (end < 0 || end == nameStart || !_runes[nameStart..end].All(rune => rune == '_' || IsAsciiAlphanumeric(rune)))
                {
                    throw GoError($"invalid named capture {Text(_position, end < 0 ? _runes.Length : end + 1)} (Go has (?P<name>re) and (?<name>re) with names of [A-Za-z0-9_]; no lookbehind)");
                }

                Push(captures: true, _flags);
                _position = end + 1;
                return;
            }

            // (?flags) or (?flags:re): flags are i, m, s and U, set or (after one '-') cleared.
            var flags = _flags;
            var clearing = false;
            var sawFlag = false;
            for (var i = _position + 2; i < _runes.Length; i++)
            {
                switch (_runes[i])
                {
                    case 'i':
                        flags = flags with { FoldCase = !clearing };
                        sawFlag = true;
                        continue;
                    case 'm':
                        flags = flags with { MultiLine = !clearing };
                        sawFlag = true;
                        continue;
                    case 's':
                        flags = flags with { DotNewline = !clearing };
                        sawFlag = true;
                        continue;
                    case 'U':
                        sawFlag = true;
                        continue;
                    case '-' when !clearing:
                        clearing = true;
                        sawFlag = false;
                        continue;
                    case ':' or ')' when !clearing || sawFlag:
                        if (_runes[i] == ':')
                        {
                            Push(captures: false, _flags);
                        }

                        _flags = flags;
                        _position = i + 1;
                        return;
                }

                throw GoError($"invalid or unsupported Perl syntax {Text(_position, i + 1)} (Go's groups are (re), (?:re), (?P<name>re), (?<name>re), (?flags) and (?flags:re) with flags i, m, s, U; no lookaround, atomic groups or comments)");
            }

            throw GoError($"invalid or unsupported Perl syntax {Text(_position, _runes.Length)}: missing closing )");
        }

        private void Push(bool captures, Flags savedFlags)
        {
            if (_frames.Count > MaxNesting)
            {
                throw new FormatException($"regular expression '{Shorten(_pattern)}' is refused: ImageTrust accepts groups nested at most {MaxNesting} deep");
            }

            _frames.Push(new Frame(savedFlags, captures));
        }

        private void CloseGroup()
        {
            if (_frames.Count == 1)
            {
                throw GoError("unexpected )");
            }

            var frame = _frames.Pop();
            var body = frame.Build();
            _flags = frame.SavedFlags;
            Current.Add(frame.Captures ? new Capture(body) : body);
            _position++;
        }

        private void ApplyRepeat(RepeatKind kind, int min, int max, int start, bool lastWasRepeat)
        {
            if (Peek(0) == '?')
            {
                // Non-greedy: the same values match.
                _position++;
            }

            var text = Text(start, _position);
            if (lastWasRepeat)
            {
                throw GoError($"invalid nested repetition operator {text} (Go does not stack repetitions: write (?:x*)*)");
            }

            var items = Current;
            if (items.Count == 0)
            {
                throw GoError($"missing argument to repetition operator {text}");
            }

            var repeat = new Repeat(items[^1], kind, min, kind == RepeatKind.Counted ? max : -1);
            items[^1] = repeat;
            if (kind == RepeatKind.Counted && (min >= 2 || max >= 2) && !RepeatIsValid(repeat, MaxRepeat))
            {
                throw GoError($"invalid repeat count {text} (nested counted repetitions multiply to more than {MaxRepeat})");
            }
        }

        /// <summary>Reads <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c> as Go does; false when the text is not of that form (a literal '{').</summary>
        private bool TryParseCount(out int min, out int max)
        {
            min = 0;
            max = 0;
            var i = _position + 1;
            if (!TryParseInteger(ref i, out min) || i >= _runes.Length)
            {
                return false;
            }

            if (_runes[i] != ',')
            {
                max = min;
            }
            else
            {
                i++;
                if (i >= _runes.Length)
                {
                    return false;
                }

                if (_runes[i] == '}')
                {
                    max = -1;
                }
                else if (!TryParseInteger(ref i, out max))
                {
                    return false;
                }
                else if (max < 0)
                {
                    min = -1;
                }
            }

            if (i >= _runes.Length || _runes[i] != '}')
            {
                return false;
            }

            _position = i + 1;
            return true;
        }

        /// <summary>Go's <c>parseInt</c>: decimal digits without a leading zero; -1 for a value of 10^8 or more.</summary>
        private bool TryParseInteger(ref int i, out int value)
        {
            value = 0;
            if (i >= _runes.Length || _runes[i] is < '0' or > '9')
            {
                return false;
            }

            if (_runes[i] == '0' && i + 1 < _runes.Length && _runes[i + 1] is >= '0' and <= '9')
            {
                return false;
            }

            for (; i < _runes.Length && _runes[i] is >= '0' and <= '9'; i++)
            {
                if (value >= 100_000_000 || value < 0)
                {
                    value = -1;
                    continue;
                }

                value = (value * 10) + (_runes[i] - '0');
            }

            return true;
        }

        private void ParseBackslash()
        {
            var start = _position;
            var next = Peek(1);
            switch (next)
            {
                case -1:
                    throw GoError("trailing backslash at end of expression");
                case 'A':
                    Current.Add(new EmptyWidth(Anchor.BeginText));
                    _position += 2;
                    return;
                case 'z':
                    Current.Add(new EmptyWidth(Anchor.EndText));
                    _position += 2;
                    return;
                case 'b' or 'B':
                    Current.Add(new EmptyWidth(next == 'b' ? Anchor.WordBoundary : Anchor.NotWordBoundary));
                    HasWordBoundary = true;
                    _position += 2;
                    return;
                case 'C':
                    throw GoError(@"invalid escape sequence \C (any byte; Go does not support it)");
                case 'Z':
                    throw GoError(@"invalid escape sequence \Z (Go has no \Z; its $ and \z are the end of text)");
                case 'Q':
                    // \Q...\E: literal text up to \E, or to the end of the pattern.
                    _position += 2;
                    while (_position < _runes.Length && !(_runes[_position] == '\\' && Peek(1) == 'E'))
                    {
                        AddLiteral(_runes[_position]);
                        _position++;
                    }

                    _position = Math.Min(_position + 2, _runes.Length);
                    return;
                case 'p' or 'P':
                    throw RefusedUnicodeClass(_position);
            }

            if (IsPerlClassLetter(next))
            {
                Current.Add(new CharacterSet(PerlClass(next)));
                _position += 2;
                return;
            }

            var rune = ParseEscape(ref _position);
            AddRuneLiteral(rune, start);
        }

        private FormatException RefusedUnicodeClass(int at)
        {
            var end = at + 3;
            if (at + 2 < _runes.Length && _runes[at + 2] == '{')
            {
                var close = Array.IndexOf(_runes, '}', at);
                end = close < 0 ? _runes.Length : close + 1;
            }

            return new FormatException($"regular expression '{Shorten(_pattern)}' is refused: ImageTrust does not support Unicode classes such as {Text(at, end)} (Go's Unicode tables are not .NET's); write the characters or ranges explicitly");
        }

        /// <summary>An escape Go reads as one character (regexp/syntax <c>parseEscape</c>); <paramref name="i"/> is at the backslash.</summary>
        private int ParseEscape(ref int i)
        {
            var start = i;
            i++;
            if (i >= _runes.Length)
            {
                throw GoError("trailing backslash at end of expression");
            }

            var c = _runes[i++];
            if (c < 0x80 && !IsAsciiAlphanumeric(c))
            {
                // Escaped ASCII punctuation is itself.
                return c;
            }

            switch (c)
            {
                case >= '1' and <= '7' when i < _runes.Length && _runes[i] is >= '0' and <= '7':
                case '0':
                    // Octal: up to three digits.
                    var value = c - '0';
                    for (var digits = 1; digits < 3 && i < _runes.Length && _runes[i] is >= '0' and <= '7'; digits++)
                    {
                        value = (value * 8) + (_runes[i++] - '0');
                    }

                    return value;
                case >= '1' and <= '9':
                    throw GoError($"invalid escape sequence {Text(start, i)} (Go has no backreferences; octal escapes take two or three digits)");
                case 'x':
                    return ParseHexEscape(start, ref i);
                case 'a':
                    return '\a';
                case 'f':
                    return '\f';
                case 'n':
                    return '\n';
                case 'r':
                    return '\r';
                case 't':
                    return '\t';
                case 'v':
                    return '\v';
            }

            throw GoError($"invalid escape sequence {Text(start, i)} (Go's escapes are \\a \\f \\t \\n \\r \\v, octal \\123, hex \\x7F and \\x{{10FFFF}}, and escaped punctuation)");
        }

        private int ParseHexEscape(int start, ref int i)
        {
            if (i < _runes.Length && _runes[i] == '{')
            {
                i++;
                var value = 0;
                var digits = 0;
                while (i < _runes.Length && _runes[i] != '}')
                {
                    var digit = HexValue(_runes[i++]);
                    value = (value * 16) + digit;
                    if (digit < 0 || value > MaxRune)
                    {
                        throw GoError($"invalid escape sequence {Text(start, i)} (\\x{{…}} takes hex digits up to 10FFFF)");
                    }

                    digits++;
                }

                if (i >= _runes.Length || digits == 0)
                {
                    throw GoError($"invalid escape sequence {Text(start, i + 1)} (\\x{{…}} takes hex digits up to 10FFFF)");
                }

                i++;
                return value;
            }

            var high = i < _runes.Length ? HexValue(_runes[i++]) : -1;
            var low = i < _runes.Length ? HexValue(_runes[i++]) : -1;
            if (high < 0 || low < 0)
            {
                throw GoError($"invalid escape sequence {Text(start, i)} (\\x takes exactly two hex digits)");
            }

            return (high * 16) + low;
        }

        private void ParseClass()
        {
            var start = _position;
            var i = _position + 1;
            var negated = i < _runes.Length && _runes[i] == '^';
            if (negated)
            {
                i++;
            }

            var set = new RuneSet();
            var first = true;

            // ']' right after '[' or '[^' is a member, as in Go.
            while (i >= _runes.Length || _runes[i] != ']' || first)
            {
                first = false;
                if (i >= _runes.Length)
                {
                    throw GoError($"missing closing ] in {Text(start, _runes.Length)}");
                }

                if (_runes.Length - i > 2 && _runes[i] == '[' && _runes[i + 1] == ':')
                {
                    // Go looks for the closing ":]" anywhere after, even past this class.
                    var close = IndexOf(':', ']', i + 2);
                    if (close >= 0)
                    {
                        var name = Text(i, close + 2);
                        var negatedGroup = name.StartsWith("[:^", StringComparison.Ordinal);
                        if (!s_posix.TryGetValue(name[(negatedGroup ? 3 : 2)..^2], out var group))
                        {
                            throw GoError($"invalid character class range {name} (Go's ASCII classes are alnum alpha ascii blank cntrl digit graph lower print punct space upper word xdigit)");
                        }

                        set.Add(Group(group, negatedGroup));
                        i = close + 2;
                        continue;
                    }
                }

                if (_runes[i] == '\\' && i + 1 < _runes.Length && _runes[i + 1] is 'p' or 'P')
                {
                    throw RefusedUnicodeClass(i);
                }

                if (_runes[i] == '\\' && i + 1 < _runes.Length && IsPerlClassLetter(_runes[i + 1]))
                {
                    set.Add(PerlClass(_runes[i + 1]));
                    i += 2;
                    continue;
                }

                var rangeStart = i;
                var lo = ParseClassCharacter(ref i, start);
                var hi = lo;

                // "a-" before ']' is 'a' and '-'.
                if (_runes.Length - i >= 2 && _runes[i] == '-' && _runes[i + 1] != ']')
                {
                    i++;
                    hi = ParseClassCharacter(ref i, start);
                    if (hi < lo)
                    {
                        throw GoError($"invalid character class range {Text(rangeStart, i)}");
                    }
                }

                AddRange(set, lo, hi, rangeStart);
            }

            _position = i + 1;
            Current.Add(new CharacterSet(negated ? set.Complement() : set));
        }

        private int IndexOf(int first, int second, int from)
        {
            for (var i = from; i + 1 < _runes.Length; i++)
            {
                if (_runes[i] == first && _runes[i + 1] == second)
                {
                    return i;
                }
            }

            return -1;
        }

        private int ParseClassCharacter(ref int i, int classStart)
        {
            if (i >= _runes.Length)
            {
                throw GoError($"missing closing ] in {Text(classStart, _runes.Length)}");
            }

            return _runes[i] == '\\' ? ParseEscape(ref i) : _runes[i++];
        }

        /// <summary>A class range; under (?i) Go adds every rune's case folds, which ImageTrust knows exactly only for ASCII.</summary>
        private void AddRange(RuneSet set, int lo, int hi, int at)
        {
            if (!_flags.FoldCase)
            {
                set.Add(lo, hi);
                return;
            }

            for (var rune = Math.Max(lo, 0x80); rune <= hi; rune++)
            {
                if (rune is not (0x17F or 0x212A))
                {
                    throw RefusedFolding(rune);
                }
            }

            set.Add(RuneSet.Of(lo, hi).FoldAscii());
        }

        /// <summary>A Perl class (<c>\d \s \w</c> and negations), ASCII in Go; under (?i) folded before it is negated, as Go does.</summary>
        private RuneSet PerlClass(int letter)
        {
            var positive = char.ToLowerInvariant((char)letter) switch
            {
                'd' => s_digits,
                's' => s_space,
                _ => s_word,
            };
            return Group(positive, negated: char.IsAsciiLetterUpper((char)letter));
        }

        private RuneSet Group(RuneSet positive, bool negated)
        {
            var set = _flags.FoldCase ? positive.FoldAscii() : positive;
            return negated ? set.Complement() : RuneSet.Of(set);
        }

        private void AddLiteral(int rune) => AddRuneLiteral(rune, _position);

        private void AddRuneLiteral(int rune, int at)
        {
            if (!_flags.FoldCase || rune < 0x80 && !char.IsAsciiLetter((char)rune))
            {
                Current.Add(new CharacterSet(RuneSet.Of(rune, rune)));
                return;
            }

            if (rune >= 0x80 && rune is not (0x17F or 0x212A))
            {
                throw RefusedFolding(rune);
            }

            Current.Add(new CharacterSet(RuneSet.Of(rune, rune).FoldAscii()));
        }

        private FormatException RefusedFolding(int rune)
            => new($"regular expression '{Shorten(_pattern)}' is refused: ImageTrust matches case-insensitively (?i) only ASCII letters, exactly as Go folds them; U+{rune:X4} would need Go's Unicode case tables");
    }
}
