namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Gathers one signed entity's verifications against each applicable authority into its outcome: the first verification
/// that passed, else the attempt that passed the most checks (so the reported reason is the furthest one got), and every
/// authority satisfied. A value type: it lives on the stack of the per-authority loop and allocates only what it keeps.
/// </summary>
internal struct BestVerification
{
    private SignatureVerification? _best;
    private int _bestPassed;
    private List<string>? _satisfied;
    private string? _signerId;

    /// <summary>Adds one authority's verification; <paramref name="signerId"/> is kept from the first that verified.</summary>
    public void Consider(SignatureVerification candidate, string? signerId)
    {
        if (candidate.Verified && candidate.Authority is { } authority)
        {
            (_satisfied ??= []).Add(authority);
            _signerId ??= signerId;
        }

        var passed = 0;
        for (var i = 0; i < candidate.Checks.Count; i++)
        {
            var check = candidate.Checks[i];
            passed += check.Passed ? 1 : 0;
        }

        if (_best is null || (!_best.Verified && (candidate.Verified || passed > _bestPassed)))
        {
            _best = candidate;
            _bestPassed = passed;
        }
    }

    /// <summary>Whether a verified authority already named the signer (so later ones need not build its id).</summary>
    public readonly bool HasSigner => _signerId is not null;

    /// <summary>The outcome, or null when no authority applied to the entity at all.</summary>
    public readonly SignatureOutcome? Finish()
        => _best is null ? null : new(_best, _satisfied is null ? [] : _satisfied, _signerId);
}
