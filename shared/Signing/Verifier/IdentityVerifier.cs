using ImageTrust.Signing.Certificates;

namespace ImageTrust.Signing.Verifier;

/// <summary>Checks a certificate's identity against an expected <see cref="CertificateIdentity"/>.</summary>
internal static class IdentityVerifier
{
    /// <summary>The step name in results.</summary>
    public const string Step = "identity";

    /// <summary>Passes when the issuer matches and at least one SAN matches.</summary>
    public static CheckResult Verify(FulcioIdentity identity, CertificateIdentity expected)
    {
        if (identity.Issuer is not { } issuer || !expected.Issuer.IsMatch(issuer))
        {
            return CheckResult.Fail(Step, "ISSUER_MISMATCH", $"issuer '{identity.Issuer}' does not match {expected.Issuer}");
        }

        for (var i = 0; i < identity.SubjectAlternativeNames.Count; i++)
        {
            var name = identity.SubjectAlternativeNames[i];
            if (expected.SubjectAlternativeName.IsMatch(name))
            {
                // The matched SAN; the issuer is reported beside it in the verification result.
                return CheckResult.Pass(Step, name);
            }
        }

        return CheckResult.Fail(Step, "IDENTITY_MISMATCH", $"no SAN of [{string.Join(", ", identity.SubjectAlternativeNames)}] matches {expected.SubjectAlternativeName}");
    }
}
