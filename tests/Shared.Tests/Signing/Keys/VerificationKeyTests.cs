using System.Security.Cryptography;
using System.Text;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Shared.Tests.Signing.Keys;

public sealed class VerificationKeyTests
{
    // RFC 8032 §7.1, TEST 1 (empty message).
    private const string Rfc8032PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Rfc8032Signature = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    // RFC 8410 SubjectPublicKeyInfo prefix for an Ed25519 key: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (32 bytes) }.
    private const string Ed25519SpkiPrefix = "302a300506032b6570032100";

    [Fact]
    public void VerifyData_Ed25519Rfc8032Vector_Passes()
    {
        var key = PublicKeyParser.ParseDer(Convert.FromHexString(Ed25519SpkiPrefix + Rfc8032PublicKey));

        Assert.Equal(VerificationKeyAlgorithm.Ed25519, key.Algorithm);
        Assert.True(key.VerifyMessage([], Convert.FromHexString(Rfc8032Signature)));
        Assert.True(key.VerifyMessage([], Convert.FromHexString(Rfc8032Signature)));
    }

    [Fact]
    public void VerifyData_Ed25519OtherMessageOrFlippedBit_Fails()
    {
        var key = PublicKeyParser.ParseDer(Convert.FromHexString(Ed25519SpkiPrefix + Rfc8032PublicKey));
        var signature = Convert.FromHexString(Rfc8032Signature);

        Assert.True(key.VerifyMessage([], signature));
        Assert.False(key.VerifyMessage([0x01], signature));
        signature[5] ^= 1;
        Assert.False(key.VerifyMessage([], signature));
        Assert.False(key.VerifyDigest([], Convert.FromHexString(Rfc8032Signature), HashAlgorithmName.SHA256));
    }

    [Fact]
    public void FromDer_Ed25519NonCanonicalPoint_Throws()
    {
        // y = p is not a canonical field element, so not a public key.
        var der = Convert.FromHexString(Ed25519SpkiPrefix + "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");

        Assert.Throws<FormatException>(() => PublicKeyParser.ParseDer(der));
    }

    [Fact]
    public void VerifyData_Ecdsa_AcceptsOwnSignatureAndRejectsOther()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = PublicKeyParser.ParsePem(signer.ExportSubjectPublicKeyInfoPem());
        var data = Encoding.UTF8.GetBytes("payload");
        var signature = signer.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(key.VerifyMessage(data, signature));
        Assert.False(key.VerifyMessage(Encoding.UTF8.GetBytes("payloaD"), signature));
        Assert.False(key.VerifyMessage(data, [0x30, 0x00]));
    }

    [Fact]
    public void FromPem_Garbage_Throws()
    {
        Assert.Throws<FormatException>(() => PublicKeyParser.ParsePem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
        Assert.Throws<FormatException>(() => PublicKeyParser.ParsePem("no pem"));
    }

    [Fact]
    public void FromDer_KeyBitStringWithUnusedBits_Refused()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = ecdsa.ExportSubjectPublicKeyInfo();
        Assert.Equal(VerificationKeyAlgorithm.Ecdsa, PublicKeyParser.ParseDer(spki).Algorithm);

        // The BIT STRING's unused-bits octet: 03 42 00 -> 03 42 01 (the point's last bit, if zero, still reads as DER).
        var unusedBitsAt = spki.AsSpan().IndexOf((byte[])[0x03, 0x42, 0x00]) + 2;
        spki[unusedBitsAt] = 1;
        spki[^1] &= 0xFE;

        Assert.Throws<FormatException>(() => PublicKeyParser.ParseDer(spki));
    }

    [Fact]
    public void FromDer_TrailingDataInsideSubjectPublicKeyInfo_Refused()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = ecdsa.ExportSubjectPublicKeyInfo();
        byte[] padded = [0x30, (byte)(spki[1] + 2), .. spki.AsSpan(2), 0x05, 0x00];

        Assert.Throws<FormatException>(() => PublicKeyParser.ParseDer(padded));
    }

    [Fact]
    public void VerifyMessageWithHash_RsaKeys_UseTheKeysOwnPadding()
    {
        using var signer = RSA.Create(2048);
        var data = Encoding.UTF8.GetBytes("payload");
        var pkcs1 = signer.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var pss = signer.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        var plain = PublicKeyParser.ParsePem(signer.ExportSubjectPublicKeyInfoPem());
        var pssOnly = PublicKeyParser.ParsePem(signer.ExportSubjectPublicKeyInfoPem(), KeyOptions.RsaPssOnly);

        Assert.Equal(VerificationKeyAlgorithm.RsaPkcs1, plain.Algorithm);
        Assert.True(plain.VerifyMessage(data, pkcs1, HashAlgorithmName.SHA256));
        Assert.False(plain.VerifyMessage(data, pss, HashAlgorithmName.SHA256));
        Assert.Equal(VerificationKeyAlgorithm.RsaPss, pssOnly.Algorithm);
        Assert.True(pssOnly.VerifyMessage(data, pss, HashAlgorithmName.SHA256));
        Assert.False(pssOnly.VerifyMessage(data, pkcs1, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void VerifyMessageWithHash_EcdsaP384_OnlyTheNamedHash()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var data = Encoding.UTF8.GetBytes("payload");
        var key = PublicKeyParser.ParsePem(signer.ExportSubjectPublicKeyInfoPem());
        var sha384 = signer.SignData(data, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence);
        var sha256 = signer.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.Equal(HashAlgorithmName.SHA384, key.DefaultHash);
        Assert.True(key.VerifyMessage(data, sha384, key.DefaultHash));
        Assert.False(key.VerifyMessage(data, sha256, key.DefaultHash));
        Assert.True(key.VerifyMessage(data, sha256));
    }

    [Fact]
    public void VerifyDigest_Ecdsa_VerifiesAPrecomputedDigestOnly()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = Encoding.UTF8.GetBytes("payload");
        var key = PublicKeyParser.ParsePem(signer.ExportSubjectPublicKeyInfoPem());
        var signature = signer.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(key.VerifyDigest(SHA256.HashData(data), signature, HashAlgorithmName.SHA256));
        Assert.False(key.VerifyDigest(data, signature, HashAlgorithmName.SHA256));
    }
}
