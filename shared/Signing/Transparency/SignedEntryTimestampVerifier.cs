using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Signing.Transparency;

/// <summary>
/// Verifies a Rekor signed entry timestamp (SET): the log key's signature over the RFC 8785 canonical JSON of
/// <c>{body, integratedTime, logID, logIndex}</c>, by a log whose id matches and whose window contains the integrated time.
/// </summary>
internal static class SignedEntryTimestampVerifier
{
    /// <summary>The step name in results.</summary>
    public const string Step = "tlog-set";

    /// <summary>Verifies the SET of <paramref name="entry"/>.</summary>
    public static CheckResult Verify(TransparencyLogEntry entry, TrustedMaterial material)
    {
        if (entry.SignedEntryTimestamp is not { } set || entry.IntegratedTime is not { } integratedTime)
        {
            return CheckResult.Fail(Step, "SET_MISSING", "the entry has no signed entry timestamp");
        }

        return Verify(Convert.ToBase64String(entry.CanonicalizedBody), integratedTime, entry.LogId, entry.LogIndex, set, material);
    }

    /// <summary>Verifies a SET from its parts (as cosign's bundle annotation carries them).</summary>
    /// <param name="bodyBase64">The entry body, base64 as the log returned it.</param>
    /// <param name="integratedTime">Unix seconds.</param>
    /// <param name="logId">The log id bytes.</param>
    /// <param name="logIndex">The log index.</param>
    /// <param name="signedEntryTimestamp">The DER signature.</param>
    /// <param name="material">Trusted logs.</param>
    public static CheckResult Verify(string bodyBase64, long integratedTime, ReadOnlyMemory<byte> logId, long logIndex, ReadOnlySpan<byte> signedEntryTimestamp, TrustedMaterial material)
    {
        var logIdHex = Convert.ToHexStringLower(logId.Span);

        // Keys are already in RFC 8785 order and the values need no escaping (base64, hex, integers).
        var canonical = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"body\":\"{bodyBase64}\",\"integratedTime\":{integratedTime},\"logID\":\"{logIdHex}\",\"logIndex\":{logIndex}}}"));
        var at = DateTimeOffset.FromUnixTimeSeconds(integratedTime);
        var known = false;
        foreach (var log in material.FindTransparencyLogs(logId))
        {
            known = true;
            if (log.Validity.Contains(at) && log.Key.VerifyData(canonical, signedEntryTimestamp, HashAlgorithmName.SHA256))
            {
                return CheckResult.Pass(Step, $"log {logIdHex} index {logIndex}");
            }
        }

        return known
            ? CheckResult.Fail(Step, "SET_INVALID", $"the signed entry timestamp does not verify with log {logIdHex} at {at:O}")
            : CheckResult.Fail(Step, "TLOG_UNTRUSTED", $"log {logIdHex} is not trusted");
    }
}
