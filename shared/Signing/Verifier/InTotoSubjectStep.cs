using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Dsse;

namespace ImageTrust.Signing.Verifier;

/// <summary>Step: a bundle's DSSE envelope carries an in-toto statement with a subject whose sha256 is the artifact's.</summary>
internal static class InTotoSubjectStep
{
    /// <summary>The step name in results.</summary>
    public const string Step = "statement";

    /// <summary>
    /// Reads <paramref name="envelope"/>'s statement and checks its subject; the checks are the same for every signer, so
    /// they are made once per entity and reported right after the signature.
    /// </summary>
    /// <returns>The statement, or null when the payload is not an in-toto statement.</returns>
    public static InTotoStatement? Check(DsseEnvelope envelope, BundleArtifact artifact, out IReadOnlyList<CheckResult> checks)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(artifact);
        if (envelope.PayloadType != DsseEnvelope.InTotoPayloadType)
        {
            checks = [CheckResult.Fail(Step, "UNSUPPORTED_PAYLOAD_TYPE", $"payload type '{envelope.PayloadType}' is not in-toto")];
            return null;
        }

        InTotoStatement statement;
        try
        {
            statement = InTotoStatement.Parse(envelope.Payload);
        }
        catch (FormatException e)
        {
            checks = [CheckResult.Fail(Step, "STATEMENT_MALFORMED", e.Message)];
            return null;
        }

        checks = [statement.HasSubjectDigest("sha256", Convert.ToHexStringLower(artifact.Sha256))
            ? CheckResult.Pass(Step, statement.PredicateType)
            : CheckResult.Fail(Step, "SUBJECT_DIGEST_MISMATCH", "no statement subject has the artifact's sha256")];
        return statement;
    }
}
