namespace ImageTrust.Signing;

/// <summary>
/// The typed result of one verification step (signature, certificate, identity, tlog, timestamp, claims…).
/// A verdict is the conjunction of its checks; an empty set of checks never passes (see <see cref="CheckResults.AllPassed"/>).
/// </summary>
/// <param name="Step">The step's stable name, e.g. <c>signature</c>, <c>certificate-chain</c>, <c>tlog-set</c>.</param>
/// <param name="Passed">Whether the step passed.</param>
/// <param name="ReasonCode">A stable code such as <c>OK</c>, <c>SIGNATURE_INVALID</c>, <c>IDENTITY_MISMATCH</c>.</param>
/// <param name="Detail">A short human explanation; never null.</param>
internal sealed record CheckResult(string Step, bool Passed, string ReasonCode, string Detail)
{
    /// <summary>A passing result of <paramref name="step"/>.</summary>
    public static CheckResult Pass(string step, string detail = "") => new(step, true, "OK", detail);

    /// <summary>A failing result of <paramref name="step"/> with a reason code.</summary>
    public static CheckResult Fail(string step, string reasonCode, string detail) => new(step, false, reasonCode, detail);
}
