namespace ImageTrust.TestSupport.Fixtures;

/// <summary>The outcome a scenario expects from the verifier.</summary>
internal enum FixtureExpectation
{
    /// <summary>Verification succeeds (CLI exit 0).</summary>
    Verified,

    /// <summary>Verification fails (CLI exit 1).</summary>
    Failed,
}
