using System.Security.Cryptography;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>One delivery's claim on outbox events: who holds them (a random id per delivery) and until when.</summary>
/// <param name="Holder">The delivery's id, unique to it, so it tells its own entries from another's even at the same instant.</param>
/// <param name="Until">When the claim lapses (see <see cref="ImageDocumentClaims.Duration"/>).</param>
internal sealed record OutboxClaim(string Holder, DateTimeOffset Until)
{
    /// <summary>A new claim taken at <paramref name="now"/>.</summary>
    public static OutboxClaim Take(DateTimeOffset now) => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), ImageDocumentClaims.Until(now));
}
