using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Signing;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Verification;

/// <summary>
/// An attestation requirement as the statement step of the engine: the requested predicate type, a subject carrying the
/// image digest, and every predicate condition (see <see cref="AttestationStatementChecks"/>). Built per attestation from
/// the statement already read to select it by predicate type, so its checks are evaluated once for all authorities.
/// </summary>
internal sealed class AttestationStatementPolicy : StatementPolicy
{
    private readonly IReadOnlyList<CheckResult> _checks;

    /// <summary>Evaluates <paramref name="requirement"/> on <paramref name="statement"/> about <paramref name="digest"/>.</summary>
    public AttestationStatementPolicy(InTotoStatement statement, Digest digest, AttestationRequirement requirement)
    {
        _checks = AttestationStatementChecks.Check(statement, digest, requirement);
    }

    /// <inheritdoc />
    public override void Check(DsseEnvelope? envelope, InTotoStatement? statement, List<CheckResult> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        checks.AddRange(_checks);
    }
}
