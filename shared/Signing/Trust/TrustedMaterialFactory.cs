using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Trust;

/// <summary>Builds <see cref="TrustedMaterial"/> from cosign's PEM flags (<c>--ca-roots</c>, <c>--ca-intermediates</c>,
/// <c>--rekor-public-key</c>, and the CT log key), which carry no validity windows.</summary>
internal static class TrustedMaterialFactory
{
    /// <summary>Creates trust material from PEM texts; each may be null.</summary>
    /// <param name="caRootsPem">One or more PEM root certificates.</param>
    /// <param name="caIntermediatesPem">PEM intermediate certificates, or null.</param>
    /// <param name="rekorPublicKeyPem">The Rekor public key, or null (no tlog trusted).</param>
    /// <param name="ctLogPublicKeyPem">The CT log public key, or null (no SCT can verify).</param>
    /// <exception cref="FormatException">A PEM text is malformed.</exception>
    public static TrustedMaterial FromPem(string? caRootsPem, string? caIntermediatesPem, string? rekorPublicKeyPem, string? ctLogPublicKeyPem)
    {
        var authorities = new List<CertificateAuthority>();
        if (caRootsPem is not null)
        {
            var roots = LoadCertificates(caRootsPem);
            if (roots.Count == 0)
            {
                throw new FormatException("no certificate in the CA roots PEM");
            }

            var intermediates = caIntermediatesPem is null ? [] : LoadCertificates(caIntermediatesPem);
            authorities.Add(new CertificateAuthority([.. intermediates, .. roots], TimeWindow.Always, null));
        }

        return new TrustedMaterial(authorities, LogFrom(rekorPublicKeyPem), LogFrom(ctLogPublicKeyPem), []);
    }

    private static TransparencyLogAuthority[] LogFrom(string? pem)
    {
        if (pem is null)
        {
            return [];
        }

        var key = PublicKeyParser.ParsePem(pem);
        return [new TransparencyLogAuthority(key.KeyId, key, TimeWindow.Always, null)];
    }

    private static List<X509Certificate2> LoadCertificates(string pem)
    {
        var certificates = new List<X509Certificate2>();
        var remaining = pem.AsSpan();
        while (PemEncoding.TryFind(remaining, out var fields))
        {
            if (remaining[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                try
                {
                    certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(remaining[fields.Base64Data].ToString())));
                }
                catch (CryptographicException e)
                {
                    throw new FormatException($"invalid PEM certificate: {e.Message}", e);
                }
            }

            remaining = remaining[fields.Location.End..];
        }

        return certificates;
    }
}
