using System.Buffers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ImageTrust.Signing.Json;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Verifier;

/// <summary>The leaf-certificate steps shared by classic <c>.sig</c> and <c>.att</c> layers: parse the annotation, check validity at signing time.</summary>
internal static class LeafCertificateSteps
{
    /// <summary>
    /// Parses the PEM certificate annotation (once per layer: every step and authority shares the result) and its public
    /// key; on failure <paramref name="leaf"/> is null.
    /// </summary>
    public static CheckResult Parse(AnnotationValue pem, out LeafCertificate? leaf)
    {
        ArgumentNullException.ThrowIfNull(pem);
        leaf = null;
        X509Certificate2? certificate = null;
        var utf8 = ArrayPool<byte>.Shared.Rent(pem.MaxByteCount);
        var chars = ArrayPool<char>.Shared.Rent(pem.MaxByteCount);
        try
        {
            var text = chars.AsSpan(0, Encoding.UTF8.GetChars(utf8.AsSpan(0, pem.CopyTo(utf8)), chars));
            var der = FirstCertificate(text);
            certificate = X509CertificateLoader.LoadCertificate(der);
            var (parsed, parseError) = LeafCertificate.Decompose(certificate, der);

            // The decomposed certificate's key is read from its own SPKI element, which X509Certificate2's export re-encodes to
            // the same bytes: one key serves the signature and the chain.
            var key = parsed?.PublicKey ?? PublicKeyParser.ParseDer(certificate.PublicKey.ExportSubjectPublicKeyInfo());
            leaf = new LeafCertificate(certificate, der, key, parsed, parseError);
            return CheckResult.Pass(ClassicSteps.Certificate);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            certificate?.Dispose();
            return CheckResult.Fail(ClassicSteps.Certificate, ClassicReasons.CertificateInvalid, $"the certificate annotation is not a usable PEM certificate: {e.Message}");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    // The DER of the first CERTIFICATE block, as X509Certificate2.CreateFromPem takes it (other labels are skipped), decoded
    // straight into an array of the exact size: the leaf keeps it as its DER.
    private static byte[] FirstCertificate(ReadOnlySpan<char> text)
    {
        while (PemEncoding.TryFind(text, out var fields))
        {
            if (text[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                var der = new byte[fields.DecodedDataLength];
                return Convert.TryFromBase64Chars(text[fields.Base64Data], der, out var written) && written == der.Length
                    ? der
                    : throw new CryptographicException("the CERTIFICATE PEM block is not valid base64");
            }

            text = text[fields.Location.End..];
        }

        throw new CryptographicException("no CERTIFICATE PEM block found");
    }

    /// <summary>Whether <paramref name="signingTime"/> (log or TSA time, never "now") lies inside the leaf's validity.</summary>
    public static CheckResult CheckValidity(LeafCertificate leaf, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        var notBefore = new DateTimeOffset(leaf.Certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(leaf.Certificate.NotAfter.ToUniversalTime());
        return signingTime >= notBefore && signingTime <= notAfter
            ? CheckResult.Pass(ClassicSteps.CertificateValidity)
            : CheckResult.Fail(
                ClassicSteps.CertificateValidity,
                ClassicReasons.CertificateNotValidAtSigningTime,
                $"signing time {signingTime:O} is outside the certificate's validity {notBefore:O}–{notAfter:O}");
    }
}
