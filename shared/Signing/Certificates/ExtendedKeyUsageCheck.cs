using System.Security.Cryptography.X509Certificates;

namespace ImageTrust.Signing.Certificates;

/// <summary>Checks that a certificate carries a required extended key usage (codeSigning for signers, timeStamping for TSAs).</summary>
internal static class ExtendedKeyUsageCheck
{
    /// <summary>The step name in results.</summary>
    public const string Step = "certificate-usage";

    /// <summary>Passes when <paramref name="certificate"/> lists <paramref name="usageOid"/> in its extended key usage.</summary>
    public static CheckResult Verify(ParsedCertificate certificate, string usageOid)
    {
        foreach (var extension in certificate.Certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension usage)
            {
                foreach (var oid in usage.EnhancedKeyUsages)
                {
                    if (oid.Value == usageOid)
                    {
                        return CheckResult.Pass(Step, usageOid);
                    }
                }
            }
        }

        return CheckResult.Fail(Step, "EXTENDED_KEY_USAGE_MISSING", $"the certificate lacks extended key usage {usageOid}");
    }
}
