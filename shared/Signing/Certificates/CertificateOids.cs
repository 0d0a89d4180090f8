namespace ImageTrust.Signing.Certificates;

/// <summary>Object identifiers read from certificates: X.509 extensions and usages, Fulcio's and certificate transparency's.</summary>
internal static class CertificateOids
{
    /// <summary>basicConstraints.</summary>
    public static KnownOid BasicConstraints { get; } = new("2.5.29.19");

    /// <summary>extKeyUsage.</summary>
    public static KnownOid ExtendedKeyUsage { get; } = new("2.5.29.37");

    /// <summary>subjectAltName.</summary>
    public static KnownOid SubjectAlternativeName { get; } = new("2.5.29.17");

    /// <summary>Fulcio's OIDC issuer, v1: raw string bytes (deprecated).</summary>
    public static KnownOid IssuerV1 { get; } = new("1.3.6.1.4.1.57264.1.1");

    /// <summary>Fulcio's OIDC issuer, v2: a DER UTF8String.</summary>
    public static KnownOid IssuerV2 { get; } = new("1.3.6.1.4.1.57264.1.8");

    /// <summary>The OtherName SAN type Fulcio uses for usernames.</summary>
    public static KnownOid OtherNameSan { get; } = new("1.3.6.1.4.1.57264.1.7");

    /// <summary>The embedded SCT list (RFC 6962 §3.3).</summary>
    public static KnownOid EmbeddedSctList { get; } = new("1.3.6.1.4.1.11129.2.4.2");

    /// <summary>The codeSigning extended key usage.</summary>
    public static KnownOid CodeSigningUsage { get; } = new("1.3.6.1.5.5.7.3.3");

    /// <summary>The timeStamping extended key usage.</summary>
    public static KnownOid TimeStampingUsage { get; } = new("1.3.6.1.5.5.7.3.8");
}
