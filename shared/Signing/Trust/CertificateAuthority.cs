using System.Security.Cryptography.X509Certificates;
using ImageTrust.Signing.Certificates;

namespace ImageTrust.Signing.Trust;

/// <summary>
/// A certificate authority (Fulcio) or timestamp authority: its certificates, issuer first (the one that signs leaves),
/// root last, and the window during which leaves it issued are trusted.
/// </summary>
internal sealed class CertificateAuthority
{
    /// <summary>Creates an authority from its certificate chain.</summary>
    /// <exception cref="FormatException">The chain is empty.</exception>
    public CertificateAuthority(IReadOnlyList<X509Certificate2> chain, TimeWindow validity, Uri? uri)
    {
        if (chain.Count == 0)
        {
            throw new FormatException("a certificate authority needs at least one certificate");
        }

        Certificates = chain;
        Validity = validity;
        Uri = uri;
        Parsed = chain.Select(ParsedCertificate.From).ToArray();
        RootSubject = chain[^1].Subject;
        ChainsToDetail = $"chains to {RootSubject}";
    }

    /// <summary>The root's subject name, as text (named in every passing chain check).</summary>
    public string RootSubject { get; }

    /// <summary>The detail of a passing chain check ("chains to" the root), written once rather than per signature.</summary>
    public string ChainsToDetail { get; }

    /// <summary>The chain, issuing certificate first and root last.</summary>
    public IReadOnlyList<X509Certificate2> Certificates { get; }

    /// <summary>The certificates in their parsed form, in the same order.</summary>
    public IReadOnlyList<ParsedCertificate> Parsed { get; }

    /// <summary>When this authority is trusted.</summary>
    public TimeWindow Validity { get; }

    /// <summary>The authority's URL, or null.</summary>
    public Uri? Uri { get; }
}
