using System.Globalization;
using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Signing;
using ImageTrust.Signing.Dsse;

namespace ImageTrust.Verification;

/// <summary>
/// The checks an attestation's in-toto statement must pass once its signature verified: the requested predicate type, a
/// subject carrying the image digest, and every predicate condition of the requirement. Pure.
/// </summary>
internal static class AttestationStatementChecks
{
    /// <summary>The step name of these checks.</summary>
    public const string Step = "statement";

    /// <summary>Runs every check, in order: predicate type, subject, conditions.</summary>
    public static IReadOnlyList<CheckResult> Check(InTotoStatement statement, Digest imageDigest, AttestationRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(requirement);
        return [PredicateType(statement, requirement.PredicateType), Subject(statement, imageDigest), Conditions(statement, requirement.Conditions)];
    }

    /// <summary>The statement's predicate type must equal <paramref name="predicateType"/> exactly.</summary>
    public static CheckResult PredicateType(InTotoStatement statement, string predicateType)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return string.Equals(statement.PredicateType, predicateType, StringComparison.Ordinal)
            ? CheckResult.Pass("predicate-type", predicateType)
            : CheckResult.Fail("predicate-type", AttestationReasons.WrongPredicateType, $"predicate type '{statement.PredicateType}' is not {predicateType}");
    }

    /// <summary>A subject must carry the image digest (same algorithm, case-insensitive hex).</summary>
    public static CheckResult Subject(InTotoStatement statement, Digest imageDigest)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(imageDigest);
        return statement.HasSubjectDigest(imageDigest.Algorithm, imageDigest.Hex)
            ? CheckResult.Pass("subject", imageDigest.ToString())
            : CheckResult.Fail("subject", AttestationReasons.SubjectDigestMismatch, $"no statement subject has digest {imageDigest}");
    }

    /// <summary>Every condition must hold: the predicate field at its dotted path (array items by index) equals or matches its value.</summary>
    public static CheckResult Conditions(InTotoStatement statement, IReadOnlyList<PredicateCondition> conditions)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(conditions);
        foreach (var condition in conditions)
        {
            var value = Resolve(statement.Predicate, condition.Path);
            if (value is null)
            {
                return CheckResult.Fail("conditions", AttestationReasons.ConditionNotMet, $"predicate has no scalar field '{condition.Path}'");
            }

            if (!condition.Value.IsMatch(value))
            {
                return CheckResult.Fail("conditions", AttestationReasons.ConditionNotMet, $"predicate field '{condition.Path}' is '{value}', not {condition.Value}");
            }
        }

        return CheckResult.Pass("conditions", $"{conditions.Count} conditions hold");
    }

    /// <summary>The scalar at <paramref name="path"/> as text (strings as is, numbers and booleans as JSON), or null when absent or not a scalar.</summary>
    public static string? Resolve(JsonElement predicate, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var current = predicate;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array
                && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => current.GetRawText(),
            _ => null,
        };
    }
}
