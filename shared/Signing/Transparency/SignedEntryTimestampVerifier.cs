using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Unicode;
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

        // The body's base64 goes straight into a pooled UTF-8 buffer (a string would cost about three times the body).
        var body = entry.CanonicalizedBody;
        var base64 = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(body.Length));
        try
        {
            Base64.EncodeToUtf8(body, base64, out _, out var written);
            return Verify(base64.AsSpan(0, written), integratedTime, entry.LogId, entry.LogIndex, set, material);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(base64);
        }
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
        ArgumentNullException.ThrowIfNull(bodyBase64);
        var body = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(bodyBase64));
        try
        {
            return Verify(body.AsSpan(0, Encoding.UTF8.GetBytes(bodyBase64, body)), integratedTime, logId, logIndex, signedEntryTimestamp, material);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>Verifies a SET from its parts, the body given as its UTF-8 base64 text (as cosign's bundle annotation carries it).</summary>
    /// <param name="bodyBase64">The entry body, base64 as the log returned it, UTF-8.</param>
    /// <param name="integratedTime">Unix seconds.</param>
    /// <param name="logId">The log id bytes.</param>
    /// <param name="logIndex">The log index.</param>
    /// <param name="signedEntryTimestamp">The DER signature.</param>
    /// <param name="material">Trusted logs.</param>
    public static CheckResult Verify(ReadOnlySpan<byte> bodyBase64, long integratedTime, ReadOnlyMemory<byte> logId, long logIndex, ReadOnlySpan<byte> signedEntryTimestamp, TrustedMaterial material)
    {
        var logIdHex = Convert.ToHexStringLower(logId.Span);

        // Keys are already in RFC 8785 order and the values need no escaping (base64, hex, integers). The document is written
        // straight into a pooled buffer: the body is the largest part and this runs once per signature.
        var prefix = "{\"body\":\""u8;
        var length = prefix.Length + bodyBase64.Length + 128 + logIdHex.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = 0;
            prefix.CopyTo(buffer);
            written += prefix.Length;
            bodyBase64.CopyTo(buffer.AsSpan(written));
            written += bodyBase64.Length;
            if (!Utf8.TryWrite(buffer.AsSpan(written), CultureInfo.InvariantCulture, $"\",\"integratedTime\":{integratedTime},\"logID\":\"{logIdHex}\",\"logIndex\":{logIndex}}}", out var tail))
            {
                return CheckResult.Fail(Step, "SET_INVALID", "the log entry is too large to canonicalize");
            }

            return VerifyCanonical(buffer.AsSpan(0, written + tail), integratedTime, logId, logIndex, logIdHex, signedEntryTimestamp, material);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static CheckResult VerifyCanonical(ReadOnlySpan<byte> canonical, long integratedTime, ReadOnlyMemory<byte> logId, long logIndex, string logIdHex, ReadOnlySpan<byte> signedEntryTimestamp, TrustedMaterial material)
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(integratedTime);
        var known = false;
        foreach (var log in material.FindTransparencyLogs(logId))
        {
            known = true;
            if (log.Validity.Contains(at) && log.Key.VerifyMessage(canonical, signedEntryTimestamp, HashAlgorithmName.SHA256))
            {
                return CheckResult.Pass(Step, $"log {logIdHex} index {logIndex}");
            }
        }

        return known
            ? CheckResult.Fail(Step, "SET_INVALID", $"the signed entry timestamp does not verify with log {logIdHex} at {at:O}")
            : CheckResult.Fail(Step, "TLOG_UNTRUSTED", $"log {logIdHex} is not trusted");
    }
}
