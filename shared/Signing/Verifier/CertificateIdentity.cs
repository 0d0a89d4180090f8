using ImageTrust.Model;

namespace ImageTrust.Signing.Verifier;

/// <summary>The keyless identity a policy expects: matchers for a SAN and for the OIDC issuer.</summary>
/// <param name="SubjectAlternativeName">Matched against every SAN of the certificate.</param>
/// <param name="Issuer">Matched against the certificate's OIDC issuer.</param>
internal sealed record CertificateIdentity(StringMatcher SubjectAlternativeName, StringMatcher Issuer);
