using System.Buffers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Classic;

/// <summary>The leaf-certificate steps shared by classic <c>.sig</c> and <c>.att</c> layers: parse the annotation, check validity at signing time.</summary>
internal static class LeafCertificateSteps
{
    /// <summary>Parses the PEM certificate annotation and its public key; on failure both outputs are null.</summary>
    public static CheckResult Parse(AnnotationValue pem, out X509Certificate2? leaf, out PublicKeyVerifier? key)
    {
        ArgumentNullException.ThrowIfNull(pem);
        leaf = null;
        key = null;
        var utf8 = ArrayPool<byte>.Shared.Rent(pem.MaxByteCount);
        var chars = ArrayPool<char>.Shared.Rent(pem.MaxByteCount);
        try
        {
            var text = chars.AsSpan(0, Encoding.UTF8.GetChars(utf8.AsSpan(0, pem.CopyTo(utf8)), chars));
            leaf = X509Certificate2.CreateFromPem(text);
            key = PublicKeyParser.ParseDer(leaf.PublicKey.ExportSubjectPublicKeyInfo());
            return CheckResult.Pass(ClassicSteps.Certificate);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            leaf?.Dispose();
            leaf = null;
            return CheckResult.Fail(ClassicSteps.Certificate, ClassicReasons.CertificateInvalid, $"the certificate annotation is not a usable PEM certificate: {e.Message}");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>Whether <paramref name="signingTime"/> (log or TSA time, never "now") lies inside the leaf's validity.</summary>
    public static CheckResult CheckValidity(X509Certificate2 leaf, DateTimeOffset signingTime)
    {
        var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        return signingTime >= notBefore && signingTime <= notAfter
            ? CheckResult.Pass(ClassicSteps.CertificateValidity)
            : CheckResult.Fail(
                ClassicSteps.CertificateValidity,
                ClassicReasons.CertificateNotValidAtSigningTime,
                $"signing time {signingTime:O} is outside the certificate's validity {notBefore:O}–{notAfter:O}");
    }
}
