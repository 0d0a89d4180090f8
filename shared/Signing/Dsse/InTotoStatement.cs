using System.Text;
using System.Text.Json;
using ImageTrust.Signing.Json;

namespace ImageTrust.Signing.Dsse;

/// <summary>An in-toto statement (v0.1 or v1): its type, subjects, predicate type and predicate.</summary>
/// <param name="Type">The <c>_type</c> URI.</param>
/// <param name="Subjects">The subjects; at least one.</param>
/// <param name="PredicateType">The predicate type URI.</param>
/// <param name="Predicate">The predicate (a detached clone), or an undefined element when absent.</param>
internal sealed record InTotoStatement(string Type, IReadOnlyList<InTotoSubject> Subjects, string PredicateType, JsonElement Predicate)
{
    private static readonly GoJsonFieldName TypeField = GoJsonFieldName.Exact("_type", "type");
    private static readonly GoJsonFieldName SubjectField = GoJsonFieldName.Exact("subject");
    private static readonly GoJsonFieldName PredicateTypeField = GoJsonFieldName.Exact("predicateType", "predicate_type");
    private static readonly GoJsonFieldName PredicateField = GoJsonFieldName.Exact("predicate");
    private static readonly GoJsonFieldName DigestField = GoJsonFieldName.Exact("digest");
    private static readonly GoJsonFieldName NameField = GoJsonFieldName.Exact("name");

    /// <summary>The statement types accepted.</summary>
    public static IReadOnlySet<string> StatementTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "https://in-toto.io/Statement/v0.1",
        "https://in-toto.io/Statement/v1",
    };

    /// <summary>Whether a subject has digest <paramref name="algorithm"/> (the exact map key) equal to <paramref name="hexDigest"/> (case-insensitive hex).</summary>
    public bool HasSubjectDigest(string algorithm, string hexDigest) =>
        Subjects.Any(subject => subject.Digests.TryGetValue(algorithm, out var value) && string.Equals(value, hexDigest, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Parses a statement. Fields are read under their exact names only: cosign reads a classic attestation with Go's
    /// encoding/json (keys folded) and sigstore-go a bundle's with protojson (exact JSON or proto name), so any other spelling
    /// of a field, or a field given twice, is refused rather than read one way. Digest sets are maps: exact keys, none twice.
    /// </summary>
    /// <exception cref="FormatException">The payload is not an in-toto statement, or a field is named twice or ambiguously.</exception>
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

            var type = String(root, TypeField);
            if (!StatementTypes.Contains(type))
            {
                throw new FormatException($"unsupported in-toto statement type '{type}'");
            }

            var subjects = new List<InTotoSubject>();
            if (JsonFields.TryGet(root, SubjectField, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var subject in list.EnumerateArray())
                {
                    subjects.Add(ReadSubject(subject));
                }
            }

            if (subjects.Count == 0)
            {
                throw new FormatException("in-toto statement has no subject");
            }

            var predicateType = String(root, PredicateTypeField);
            var predicate = JsonFields.TryGet(root, PredicateField, out var p) ? p.Clone() : default;
            return new InTotoStatement(type, subjects, predicateType, predicate);
        }
        catch (JsonException e)
        {
            throw new FormatException($"in-toto statement is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"in-toto statement has an invalid string: {e.Message}", e);
        }
    }

    private static InTotoSubject ReadSubject(JsonElement subject)
    {
        if (subject.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("in-toto statement subject is not an object");
        }

        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        if (JsonFields.TryGet(subject, DigestField, out var digest) && digest.ValueKind != JsonValueKind.Null)
        {
            if (digest.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("in-toto statement subject digest is not an object");
            }

            Span<byte> buffer = stackalloc byte[JsonKey.BufferBytes];
            foreach (var pair in digest.EnumerateObject())
            {
                _ = JsonKey.Read(pair, buffer);
                if (pair.Value.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"in-toto statement subject digest '{Printable(pair.Name)}' is not a string");
                }

                if (!digests.TryAdd(pair.Name, pair.Value.GetString()!))
                {
                    throw new FormatException($"in-toto statement subject digest '{Printable(pair.Name)}' appears more than once");
                }
            }
        }

        var name = JsonFields.TryGet(subject, NameField, out var n) && n.ValueKind != JsonValueKind.Null
            ? (n.ValueKind == JsonValueKind.String ? n.GetString()! : throw new FormatException("in-toto statement subject name is not a string"))
            : string.Empty;
        return new InTotoSubject(name, digests);
    }

    private static string Printable(string key) => JsonKey.Printable(Encoding.UTF8.GetBytes(key));

    private static string String(JsonElement owner, GoJsonFieldName field) =>
        JsonFields.TryGet(owner, field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"in-toto statement has no '{field.Name}'");
}
