using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Dsse;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// What a signed entity's statement must say, the last step of the sequence: "signature or attestation" is this policy, not
/// a second engine. <see cref="ImageSignature"/> asks for cosign's <c>sign/v1</c> predicate; attestation requirements bring
/// their own (predicate type, subject, conditions). Its checks count only once the signature chain verified.
/// </summary>
internal abstract class StatementPolicy
{
    /// <summary>A cosign v3 image signature: a DSSE in-toto statement with the <c>sign/v1</c> predicate.</summary>
    public static StatementPolicy ImageSignature { get; } = new ImageSignaturePolicy();

    /// <summary>Checks the statement, adding at least one result to <paramref name="checks"/>.</summary>
    /// <param name="envelope">The signed envelope, or null when the entity signs a message (no statement at all).</param>
    /// <param name="statement">The in-toto statement read from <paramref name="envelope"/>, or null when it is not one.</param>
    /// <param name="checks">Receives the results, in order.</param>
    public abstract void Check(DsseEnvelope? envelope, InTotoStatement? statement, List<CheckResult> checks);

    private sealed class ImageSignaturePolicy : StatementPolicy
    {
        private const string Step = "image-signature";

        public override void Check(DsseEnvelope? envelope, InTotoStatement? statement, List<CheckResult> checks)
            => checks.Add(envelope is null
                ? CheckResult.Fail(Step, "NOT_A_DSSE_SIGNATURE", "an image signature bundle must carry a DSSE in-toto statement")
                : statement?.PredicateType == BundleMediaTypes.CosignSignPredicateType
                    ? CheckResult.Pass(Step, BundleMediaTypes.CosignSignPredicateType)
                    : CheckResult.Fail(Step, "WRONG_PREDICATE_TYPE", $"predicate type '{statement?.PredicateType}' is not {BundleMediaTypes.CosignSignPredicateType}"));
    }
}
