using ImageTrust.Model;

namespace ImageTrust.Signing.Keys;

/// <summary>Turns a Cloud KMS public key into a verifier, refusing key algorithms that can't verify cosign signatures.</summary>
internal static class CloudKmsPublicKeyParser
{
    /// <summary>The verifier for <paramref name="publicKey"/>; an <c>RSA_SIGN_PSS_…</c> key accepts PSS signatures only.</summary>
    /// <exception cref="ConfigurationException">The algorithm can't verify cosign signatures, or the PEM is not a usable key.</exception>
    public static VerificationKey Parse(CloudKmsPublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var options = publicKey.Algorithm switch
        {
            "EC_SIGN_P256_SHA256" or "EC_SIGN_P384_SHA384" or "EC_SIGN_ED25519" => KeyOptions.None,
            "RSA_SIGN_PKCS1_2048_SHA256" or "RSA_SIGN_PKCS1_3072_SHA256" or "RSA_SIGN_PKCS1_4096_SHA256" => KeyOptions.None,
            "RSA_SIGN_PSS_2048_SHA256" or "RSA_SIGN_PSS_3072_SHA256" or "RSA_SIGN_PSS_4096_SHA256" => KeyOptions.RsaPssOnly,
            _ => throw new ConfigurationException($"Cloud KMS key {publicKey.Key} has algorithm {publicKey.Algorithm}, which can't verify cosign signatures"),
        };

        try
        {
            return PublicKeyParser.ParsePem(publicKey.Pem, options);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"Cloud KMS public key of {publicKey.Key} is not usable: {e.Message}", e);
        }
    }
}
