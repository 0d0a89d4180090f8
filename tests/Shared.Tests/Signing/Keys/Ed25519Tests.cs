using System.Numerics;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Shared.Tests.Signing.Keys;

public sealed class Ed25519Tests
{
    // RFC 8032 §7.1, TEST 1 and TEST 2 (public keys re-derived with openssl from the secret keys).
    private const string Test1PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Test1Signature = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    private const string Test2PublicKey = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    private const string Test2Signature = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

    [Fact]
    public void Verify_Rfc8032Test1_True()
    {
        Assert.True(Ed25519.Verify(Convert.FromHexString(Test1PublicKey), [], Convert.FromHexString(Test1Signature)));
    }

    [Fact]
    public void Verify_Rfc8032Test2_True()
    {
        Assert.True(Ed25519.Verify(Convert.FromHexString(Test2PublicKey), [0x72], Convert.FromHexString(Test2Signature)));
    }

    [Fact]
    public void Verify_OtherMessage_False()
    {
        Assert.False(Ed25519.Verify(Convert.FromHexString(Test2PublicKey), [0x73], Convert.FromHexString(Test2Signature)));
        Assert.False(Ed25519.Verify(Convert.FromHexString(Test1PublicKey), [0x72], Convert.FromHexString(Test2Signature)));
    }

    [Fact]
    public void Verify_EveryFlippedSignatureBit_False()
    {
        var publicKey = Convert.FromHexString(Test2PublicKey);
        var signature = Convert.FromHexString(Test2Signature);
        for (var bit = 0; bit < signature.Length * 8; bit += 7)
        {
            var tampered = (byte[])signature.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(Ed25519.Verify(publicKey, [0x72], tampered), $"bit {bit}");
        }
    }

    [Fact]
    public void Verify_MalleatedScalar_False()
    {
        // S + L verifies the same equation but is non-canonical: RFC 8032 requires S < L.
        var signature = Convert.FromHexString(Test2Signature);
        var l = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: false) + l;
        var malleated = (byte[])signature.Clone();
        Array.Clear(malleated, 32, 32);
        s.TryWriteBytes(malleated.AsSpan(32), out _, isUnsigned: true, isBigEndian: false);

        Assert.False(Ed25519.Verify(Convert.FromHexString(Test2PublicKey), [0x72], malleated));
    }

    [Fact]
    public void Verify_WrongLengths_False()
    {
        Assert.False(Ed25519.Verify(new byte[31], [0x72], Convert.FromHexString(Test2Signature)));
        Assert.False(Ed25519.Verify(Convert.FromHexString(Test2PublicKey), [0x72], new byte[63]));
    }

    [Fact]
    public void Verify_NonCanonicalPublicKey_False()
    {
        // y = p (all ones but the top bit pattern 0x7f…ed) is not a canonical encoding.
        var key = Convert.FromHexString("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");

        Assert.False(Ed25519.Verify(key, [0x72], Convert.FromHexString(Test2Signature)));
    }
}
