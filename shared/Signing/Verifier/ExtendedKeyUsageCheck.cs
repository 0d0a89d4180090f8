using System.Formats.Asn1;
using ImageTrust.Signing.Certificates;

namespace ImageTrust.Signing.Verifier;

/// <summary>Checks that a certificate carries a required extended key usage (codeSigning for signers, timeStamping for TSAs).</summary>
internal static class ExtendedKeyUsageCheck
{
    /// <summary>The step name in results.</summary>
    public const string Step = "certificate-usage";

    /// <summary>Passes when <paramref name="certificate"/> lists <paramref name="usage"/> in its extended key usage.</summary>
    public static CheckResult Verify(ParsedCertificate certificate, KnownOid usage)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(usage);
        if (certificate.TryGetExtension(CertificateOids.ExtendedKeyUsage, out var value))
        {
            try
            {
                // ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (an OID).
                var outer = new DerCursor(value);
                var purposes = new DerCursor(outer.Read(Asn1Tag.Sequence).Content);
                outer.End();
                var listed = false;
                while (purposes.HasData)
                {
                    listed |= usage.Is(purposes.Read(Asn1Tag.ObjectIdentifier).Encoded.Span);
                }

                if (listed)
                {
                    return CheckResult.Pass(Step, usage.Value);
                }
            }
            catch (AsnContentException e)
            {
                return CheckResult.Fail(Step, "EXTENDED_KEY_USAGE_MALFORMED", $"the certificate's extended key usage is malformed: {e.Message}");
            }
        }

        return CheckResult.Fail(Step, "EXTENDED_KEY_USAGE_MISSING", $"the certificate lacks extended key usage {usage.Value}");
    }
}
