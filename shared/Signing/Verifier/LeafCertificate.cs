using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// A keyless signature's leaf certificate, read once per layer and shared by every step and authority: the certificate,
/// its public key for the payload signature, and its decomposed form for the chain (or why it could not be decomposed,
/// which the chain step reports).
/// </summary>
internal sealed class LeafCertificate : IDisposable
{
    /// <summary>Takes ownership of <paramref name="certificate"/> and <paramref name="key"/>, and decomposes the certificate.</summary>
    public LeafCertificate(X509Certificate2 certificate, byte[] rawData, VerificationKey key, ParsedCertificate? parsed, string? parseError)
    {
        Certificate = certificate;
        RawData = rawData;
        Key = key;
        Parsed = parsed;
        ParseError = parseError;
    }

    /// <summary>The certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The DER the certificate was loaded from (what a transparency-log entry names as the signer).</summary>
    public byte[] RawData { get; }

    /// <summary>Its public key, which verifies the payload signature.</summary>
    public VerificationKey Key { get; }

    /// <summary>The decomposed certificate, or null when its DER is malformed (see <see cref="ParseError"/>).</summary>
    public ParsedCertificate? Parsed { get; }

    /// <summary>Why the certificate could not be decomposed, or null.</summary>
    public string? ParseError { get; }

    /// <summary>Decomposes <paramref name="certificate"/>, loaded from <paramref name="rawData"/>; a malformed DER is kept as <see cref="ParseError"/>, not thrown.</summary>
    public static (ParsedCertificate? Parsed, string? Error) Decompose(X509Certificate2 certificate, byte[] rawData)
    {
        try
        {
            return (ParsedCertificate.From(certificate, rawData), null);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return (null, e.Message);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        (Key as IDisposable)?.Dispose();
    }
}
