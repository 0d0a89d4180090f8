namespace ImageTrust.Cli;

/// <summary>The <c>imagetrust</c> exit codes (DESIGN.md §4).</summary>
internal static class ExitCodes
{
    /// <summary>Verified (or the command succeeded).</summary>
    public const int Verified = 0;

    /// <summary>Verification failed: unsigned, tampered, wrong key or identity, bad proof, no matching policy rule.</summary>
    public const int VerificationFailed = 1;

    /// <summary>Usage or configuration error: bad flags, unreadable key, invalid policy.</summary>
    public const int UsageOrConfiguration = 2;

    /// <summary>Transient or infrastructure error: registry unreachable, retries exhausted. Retrying may help.</summary>
    public const int Transient = 3;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;
}
