using ImageTrust.Model;

namespace ImageTrust.Policy;

/// <summary>An attestation a rule requires, such as SLSA provenance from the CI identity.</summary>
/// <param name="PredicateType">The in-toto predicate type URI.</param>
/// <param name="Authorities">Who may sign it.</param>
/// <param name="Conditions">Simple conditions on predicate fields, all of which must hold.</param>
internal sealed record AttestationRequirement(string PredicateType, IReadOnlyList<Authority> Authorities, IReadOnlyList<PredicateCondition> Conditions);

/// <summary>A condition on a predicate field, by dotted JSON path: the value must equal, or match, the matcher.</summary>
internal sealed record PredicateCondition(string Path, StringMatcher Value);
