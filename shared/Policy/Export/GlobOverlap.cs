namespace ImageTrust.Policy.Export;

/// <summary>
/// Whether two canonical repository globs (<c>*</c> within a segment, <c>**</c> across) can match one repository name: the
/// product of their two automata has a path to acceptance. Used to refuse an export where ImageTrust's first-match rule order
/// would matter, since Kyverno and policy-controller apply every matching policy.
/// </summary>
internal static class GlobOverlap
{
    private const char Other = '\u0000';

    /// <summary>Whether some repository name matches both <paramref name="first"/> and <paramref name="second"/>.</summary>
    public static bool Overlaps(string first, string second)
    {
        var a = Tokens(first);
        var b = Tokens(second);
        var alphabet = first.Concat(second).Where(c => c != '*').Append('/').Append(Other).Distinct().ToList();
        var start = Closure(a, 0).SelectMany(i => Closure(b, 0).Select(j => (i, j))).ToHashSet();
        var queue = new Queue<(int, int)>(start);
        while (queue.Count > 0)
        {
            var (i, j) = queue.Dequeue();
            if (i == a.Count && j == b.Count)
            {
                return true;
            }

            foreach (var c in alphabet)
            {
                foreach (var ni in Step(a, i, c))
                {
                    foreach (var nj in Step(b, j, c))
                    {
                        foreach (var ci in Closure(a, ni))
                        {
                            foreach (var cj in Closure(b, nj))
                            {
                                if (start.Add((ci, cj)))
                                {
                                    queue.Enqueue((ci, cj));
                                }
                            }
                        }
                    }
                }
            }
        }

        return false;
    }

    // A token is a literal character, "*" or "**".
    private static List<string> Tokens(string glob)
    {
        var tokens = new List<string>();
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                tokens.Add("**");
                i++;
            }
            else
            {
                tokens.Add(glob[i].ToString());
            }
        }

        return tokens;
    }

    // The positions reachable from i without consuming: a star may match nothing.
    private static IEnumerable<int> Closure(List<string> tokens, int i)
    {
        yield return i;
        while (i < tokens.Count && tokens[i] is "*" or "**")
        {
            i++;
            yield return i;
        }
    }

    private static IEnumerable<int> Step(List<string> tokens, int i, char c)
    {
        if (i >= tokens.Count)
        {
            yield break;
        }

        switch (tokens[i])
        {
            case "**":
                yield return i;
                break;
            case "*" when c != '/':
                yield return i;
                break;
            case "*":
                break;
            default:
                if (c != Other && tokens[i][0] == c)
                {
                    yield return i + 1;
                }

                break;
        }
    }
}
