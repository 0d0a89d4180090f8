using System.Text;
using CsCheck;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Model;

public sealed class DigestTests
{
    private const string Hex64 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    [Fact]
    public void Parse_ValidSha256_RoundTrips()
    {
        var digest = Digest.Parse("sha256:" + Hex64);

        Assert.Equal("sha256", digest.Algorithm);
        Assert.Equal("sha256:" + Hex64, digest.ToString());
        Assert.Equal("sha256-" + Hex64, digest.ToTagPrefix());
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256")]
    [InlineData("sha256:")]
    [InlineData("md5:" + Hex64)]
    [InlineData("sha256:" + "2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE")]
    [InlineData("sha256:" + Hex64 + "0")]
    [InlineData(":" + Hex64)]
    public void Parse_Invalid_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => Digest.Parse(text));
    }

    [Fact]
    public void Matches_ContentOfDigest_True()
    {
        var content = Encoding.UTF8.GetBytes("foo");

        Assert.True(Digest.Parse("sha256:" + Hex64).Matches(content));
        Assert.False(Digest.Parse("sha256:" + Hex64).Matches(Encoding.UTF8.GetBytes("fob")));
        Assert.Equal(Digest.Parse("sha256:" + Hex64), Digest.Sha256Of(content));
    }

    [Fact]
    public void TryParse_ArbitraryText_NeverThrowsAndAcceptsOnlyCanonicalForm()
    {
        Gen.String.Sample(text =>
        {
            if (Digest.TryParse(text, out var digest))
            {
                Assert.Equal(text, digest.ToString());
                Assert.Matches("^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$", text);
            }
        }, iter: 5000);
    }

    [Fact]
    public void TryParse_ArbitraryHashes_Accepted()
    {
        Gen.Byte.Array[32].Sample(bytes =>
        {
            var text = "sha256:" + Convert.ToHexStringLower(bytes);
            Assert.True(Digest.TryParse(text, out var digest));
            Assert.Equal(bytes, digest.ToBytes());
        });
    }
}
