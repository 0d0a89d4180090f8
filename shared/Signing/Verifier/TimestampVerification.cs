namespace ImageTrust.Signing.Verifier;

/// <summary>The outcome of verifying one RFC 3161 timestamp.</summary>
/// <param name="Result">The check result.</param>
/// <param name="Time">The TSA's time when <see cref="Result"/> passed; otherwise null.</param>
internal sealed record TimestampVerification(CheckResult Result, DateTimeOffset? Time);
