using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Verifier;

/// <summary>Step: each of the entity's RFC 3161 timestamps verifies over its signature; each verified one is a signing time.</summary>
internal static class TimestampStep
{
    /// <summary>Verifies every timestamp, adding one result each to <paramref name="checks"/> and each verified time to <paramref name="times"/>.</summary>
    public static void Check(in SignedEntity entity, ReadOnlySpan<byte> signature, TrustedMaterial material, List<CheckResult> checks, List<DateTimeOffset> times)
    {
        ArgumentNullException.ThrowIfNull(material);
        foreach (var timestamp in entity.Timestamps)
        {
            var verification = Rfc3161TimestampVerifier.Verify(timestamp, signature, material);
            checks.Add(verification.Result);
            if (verification.Time is { } time)
            {
                times.Add(time);
            }
        }
    }
}
