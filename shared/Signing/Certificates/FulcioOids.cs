namespace ImageTrust.Signing.Certificates;

/// <summary>Object identifiers used by Fulcio certificates and certificate transparency.</summary>
internal static class FulcioOids
{
    /// <summary>OIDC issuer, v1: raw string bytes (deprecated).</summary>
    public const string IssuerV1 = "1.3.6.1.4.1.57264.1.1";

    /// <summary>OIDC issuer, v2: a DER UTF8String.</summary>
    public const string IssuerV2 = "1.3.6.1.4.1.57264.1.8";

    /// <summary>The OtherName SAN type Fulcio uses for usernames.</summary>
    public const string OtherNameSan = "1.3.6.1.4.1.57264.1.7";

    /// <summary>subjectAltName.</summary>
    public const string SubjectAlternativeName = "2.5.29.17";

    /// <summary>The embedded SCT list (RFC 6962 §3.3).</summary>
    public const string EmbeddedSctList = "1.3.6.1.4.1.11129.2.4.2";

    /// <summary>The codeSigning extended key usage.</summary>
    public const string CodeSigningUsage = "1.3.6.1.5.5.7.3.3";

    /// <summary>The timeStamping extended key usage.</summary>
    public const string TimeStampingUsage = "1.3.6.1.5.5.7.3.8";
}
