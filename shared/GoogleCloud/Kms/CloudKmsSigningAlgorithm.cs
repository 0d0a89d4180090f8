using System.Security.Cryptography;
using ImageTrust.Model;

namespace ImageTrust.GoogleCloud.Kms;

/// <summary>
/// A Cloud KMS asymmetric signing algorithm ImageTrust can sign attestations with: its digest (the field name of
/// <c>AsymmetricSignRequest.digest</c>) and how its signatures verify.
/// </summary>
internal sealed record CloudKmsSigningAlgorithm
{
    private CloudKmsSigningAlgorithm(string name, HashAlgorithmName hash, string digestField, RSASignaturePadding? rsaPadding)
    {
        Name = name;
        Hash = hash;
        DigestField = digestField;
        RsaPadding = rsaPadding;
    }

    /// <summary>The KMS name, e.g. <c>EC_SIGN_P256_SHA256</c>.</summary>
    public string Name { get; }

    /// <summary>The digest signed.</summary>
    public HashAlgorithmName Hash { get; }

    /// <summary>The <c>Digest</c> field: <c>sha256</c>, <c>sha384</c> or <c>sha512</c>.</summary>
    public string DigestField { get; }

    /// <summary>The RSA padding, or null for an EC key.</summary>
    public RSASignaturePadding? RsaPadding { get; }

    /// <summary>The algorithm named <paramref name="name"/>.</summary>
    /// <exception cref="ConfigurationException">Not an EC P-256/P-384 or RSA PKCS#1/PSS signing algorithm with a digest.</exception>
    public static CloudKmsSigningAlgorithm Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "EC_SIGN_P256_SHA256" => new(name, HashAlgorithmName.SHA256, "sha256", null),
            "EC_SIGN_P384_SHA384" => new(name, HashAlgorithmName.SHA384, "sha384", null),
            "RSA_SIGN_PKCS1_2048_SHA256" or "RSA_SIGN_PKCS1_3072_SHA256" or "RSA_SIGN_PKCS1_4096_SHA256" => new(name, HashAlgorithmName.SHA256, "sha256", RSASignaturePadding.Pkcs1),
            "RSA_SIGN_PKCS1_4096_SHA512" => new(name, HashAlgorithmName.SHA512, "sha512", RSASignaturePadding.Pkcs1),
            "RSA_SIGN_PSS_2048_SHA256" or "RSA_SIGN_PSS_3072_SHA256" or "RSA_SIGN_PSS_4096_SHA256" => new(name, HashAlgorithmName.SHA256, "sha256", RSASignaturePadding.Pss),
            "RSA_SIGN_PSS_4096_SHA512" => new(name, HashAlgorithmName.SHA512, "sha512", RSASignaturePadding.Pss),
            _ => throw new ConfigurationException($"Cloud KMS algorithm '{(name.Length <= 60 ? name : name[..60])}' cannot sign attestations: use EC_SIGN_P256_SHA256, EC_SIGN_P384_SHA384, or an RSA_SIGN_PKCS1_*/RSA_SIGN_PSS_* algorithm with a digest"),
        };
    }

    /// <summary>The digest of <paramref name="data"/> this algorithm signs.</summary>
    public byte[] DigestOf(ReadOnlySpan<byte> data)
        => DigestField switch
        {
            "sha384" => SHA384.HashData(data),
            "sha512" => SHA512.HashData(data),
            _ => SHA256.HashData(data),
        };

    /// <summary>Whether <paramref name="signature"/> over <paramref name="digest"/> verifies with <paramref name="publicKeyPem"/>.</summary>
    /// <exception cref="ConfigurationException">The PEM is not a public key of this algorithm's type.</exception>
    public bool Verifies(string publicKeyPem, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(publicKeyPem);
        try
        {
            if (RsaPadding is { } padding)
            {
                using var rsa = RSA.Create();
                rsa.ImportFromPem(publicKeyPem);
                return rsa.VerifyHash(digest, signature, Hash, padding);
            }

            using var ec = ECDsa.Create();
            ec.ImportFromPem(publicKeyPem);
            return ec.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            throw new ConfigurationException($"the public key of a {Name} key version cannot be read: {exception.Message}", exception);
        }
    }
}
