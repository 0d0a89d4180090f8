using System.Reflection;

namespace ImageTrust.Signing.Trust;

/// <summary>
/// Immutable Sigstore trust material: certificate authorities, transparency logs, CT logs and timestamp authorities,
/// each with its validity window. Build it once (from a <c>trusted_root.json</c> or from cosign's PEM flags) and share it.
/// </summary>
internal sealed class TrustedMaterial
{
    private static readonly Lazy<TrustedMaterial> PublicGoodRoot = new(LoadPublicGood, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates trust material.</summary>
    public TrustedMaterial(
        IReadOnlyList<CertificateAuthority> certificateAuthorities,
        IReadOnlyList<TransparencyLogAuthority> transparencyLogs,
        IReadOnlyList<TransparencyLogAuthority> certificateTransparencyLogs,
        IReadOnlyList<CertificateAuthority> timestampAuthorities)
    {
        CertificateAuthorities = certificateAuthorities;
        TransparencyLogs = transparencyLogs;
        CertificateTransparencyLogs = certificateTransparencyLogs;
        TimestampAuthorities = timestampAuthorities;
    }

    /// <summary>The Sigstore public-good production trusted root shipped with the code (parsed once, on first use).</summary>
    public static TrustedMaterial PublicGood => PublicGoodRoot.Value;

    /// <summary>Fulcio-style certificate authorities.</summary>
    public IReadOnlyList<CertificateAuthority> CertificateAuthorities { get; }

    /// <summary>Rekor transparency logs.</summary>
    public IReadOnlyList<TransparencyLogAuthority> TransparencyLogs { get; }

    /// <summary>Certificate transparency logs (SCT signers).</summary>
    public IReadOnlyList<TransparencyLogAuthority> CertificateTransparencyLogs { get; }

    /// <summary>RFC 3161 timestamp authorities.</summary>
    public IReadOnlyList<CertificateAuthority> TimestampAuthorities { get; }

    /// <summary>The transparency logs whose id is <paramref name="logId"/> (several when a key was rotated in place).</summary>
    public IEnumerable<TransparencyLogAuthority> FindTransparencyLogs(ReadOnlyMemory<byte> logId) => Find(TransparencyLogs, logId);

    /// <summary>The CT logs whose id is <paramref name="logId"/>.</summary>
    public IEnumerable<TransparencyLogAuthority> FindCertificateTransparencyLogs(ReadOnlyMemory<byte> logId) => Find(CertificateTransparencyLogs, logId);

    private static IEnumerable<TransparencyLogAuthority> Find(IReadOnlyList<TransparencyLogAuthority> logs, ReadOnlyMemory<byte> logId)
    {
        foreach (var log in logs)
        {
            if (log.LogId.AsSpan().SequenceEqual(logId.Span))
            {
                yield return log;
            }
        }
    }

    private static TrustedMaterial LoadPublicGood()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(TrustedRootParser.PublicGoodResourceName)
            ?? throw new InvalidOperationException("the public-good trusted root is not embedded");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return TrustedRootParser.Parse(buffer.ToArray());
    }
}
