using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Signing.Classic;

/// <summary>The leaf-certificate steps shared by classic <c>.sig</c> and <c>.att</c> layers: parse the annotation, check validity at signing time.</summary>
internal static class LeafCertificateSteps
{
    /// <summary>Parses the PEM certificate annotation and its public key; on failure both outputs are null.</summary>
    public static CheckResult Parse(string pem, out X509Certificate2? leaf, out PublicKeyVerifier? key)
    {
        leaf = null;
        key = null;
        try
        {
            leaf = X509Certificate2.CreateFromPem(pem);
            key = PublicKeyParser.ParseDer(leaf.PublicKey.ExportSubjectPublicKeyInfo());
            return CheckResult.Pass(ClassicSteps.Certificate);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            leaf?.Dispose();
            leaf = null;
            return CheckResult.Fail(ClassicSteps.Certificate, ClassicReasons.CertificateInvalid, $"the certificate annotation is not a usable PEM certificate: {e.Message}");
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
