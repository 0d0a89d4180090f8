using System.Security.Cryptography;
using System.Text;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Shared.Tests.Signing.Trust;

public sealed class VerificationKeyTests
{
    // RFC 8032 §7.1, TEST 1 (empty message).
    private const string Rfc8032PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Rfc8032Signature = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    [Fact]
    public void Ed25519Verify_Rfc8032Vector_Passes()
    {
        var key = Ed25519PublicKey.Decode(Convert.FromHexString(Rfc8032PublicKey));

        Assert.True(key.Verify([], Convert.FromHexString(Rfc8032Signature)));
    }

    [Fact]
    public void Ed25519Verify_OtherMessageOrFlippedBit_Fails()
    {
        var key = Ed25519PublicKey.Decode(Convert.FromHexString(Rfc8032PublicKey));
        var signature = Convert.FromHexString(Rfc8032Signature);

        Assert.False(key.Verify([0x01], signature));
        signature[5] ^= 1;
        Assert.False(key.Verify([], signature));
    }

    [Fact]
    public void VerifyData_Ecdsa_AcceptsOwnSignatureAndRejectsOther()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = VerificationKey.FromPem(signer.ExportSubjectPublicKeyInfoPem());
        var data = Encoding.UTF8.GetBytes("payload");
        var signature = signer.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(key.VerifyData(data, signature));
        Assert.False(key.VerifyData(Encoding.UTF8.GetBytes("payloaD"), signature));
        Assert.False(key.VerifyData(data, [0x30, 0x00]));
    }

    [Fact]
    public void FromPem_Garbage_Throws()
    {
        Assert.Throws<FormatException>(() => VerificationKey.FromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
        Assert.Throws<FormatException>(() => VerificationKey.FromPem("no pem"));
    }
}
