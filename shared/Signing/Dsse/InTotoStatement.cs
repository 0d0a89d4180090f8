using System.Text.Json;

namespace ImageTrust.Signing.Dsse;

/// <summary>An in-toto statement (v0.1 or v1): its type, subjects, predicate type and predicate.</summary>
/// <param name="Type">The <c>_type</c> URI.</param>
/// <param name="Subjects">The subjects; at least one.</param>
/// <param name="PredicateType">The predicate type URI.</param>
/// <param name="Predicate">The predicate (a detached clone), or an undefined element when absent.</param>
internal sealed record InTotoStatement(string Type, IReadOnlyList<InTotoSubject> Subjects, string PredicateType, JsonElement Predicate)
{
    /// <summary>The statement types accepted.</summary>
    public static IReadOnlySet<string> StatementTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "https://in-toto.io/Statement/v0.1",
        "https://in-toto.io/Statement/v1",
    };

    /// <summary>Whether a subject has digest <paramref name="algorithm"/> equal to <paramref name="hexDigest"/> (case-insensitive hex).</summary>
    public bool HasSubjectDigest(string algorithm, string hexDigest) =>
        Subjects.Any(subject => subject.Digests.TryGetValue(algorithm, out var value) && string.Equals(value, hexDigest, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses a statement.</summary>
    /// <exception cref="FormatException">The payload is not an in-toto statement.</exception>
    public static InTotoStatement Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("in-toto statement is not an object");
            }

            var type = String(root, "_type");
            if (!StatementTypes.Contains(type))
            {
                throw new FormatException($"unsupported in-toto statement type '{type}'");
            }

            var subjects = new List<InTotoSubject>();
            if (root.TryGetProperty("subject", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var subject in list.EnumerateArray())
                {
                    var digests = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    if (subject.ValueKind == JsonValueKind.Object && subject.TryGetProperty("digest", out var digest) && digest.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var pair in digest.EnumerateObject())
                        {
                            if (pair.Value.ValueKind == JsonValueKind.String)
                            {
                                digests[pair.Name] = pair.Value.GetString()!;
                            }
                        }
                    }

                    var name = subject.ValueKind == JsonValueKind.Object && subject.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : string.Empty;
                    subjects.Add(new InTotoSubject(name, digests));
                }
            }

            if (subjects.Count == 0)
            {
                throw new FormatException("in-toto statement has no subject");
            }

            var predicate = root.TryGetProperty("predicate", out var p) ? p.Clone() : default;
            return new InTotoStatement(type, subjects, String(root, "predicateType"), predicate);
        }
        catch (JsonException e)
        {
            throw new FormatException($"in-toto statement is not valid JSON: {e.Message}", e);
        }
    }

    private static string String(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"in-toto statement has no '{name}'");
}
