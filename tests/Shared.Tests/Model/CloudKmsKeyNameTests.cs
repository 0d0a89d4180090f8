using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Model;

public sealed class CloudKmsKeyNameTests
{
    private const string KeyUri = "gcpkms://projects/my-project/locations/europe-west1/keyRings/ring/cryptoKeys/signer/cryptoKeyVersions/3";

    [Fact]
    public void Parse_KeyVersion_KeepsTheResourceName()
    {
        var name = CloudKmsKeyName.Parse(KeyUri);

        Assert.Equal("projects/my-project/locations/europe-west1/keyRings/ring/cryptoKeys/signer/cryptoKeyVersions/3", name.ResourceName);
        Assert.Equal(KeyUri, name.ToString());
    }

    [Theory]
    [InlineData("projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1")]
    [InlineData("gcpkms://projects/my-project/locations/l/keyRings/r/cryptoKeys/k")]
    [InlineData("gcpkms://projects/my-project/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/x")]
    [InlineData("gcpkms://projects/my-project/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1/../../x")]
    public void Parse_Invalid_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => CloudKmsKeyName.Parse(text));
    }

    [Theory]
    [InlineData(KeyUri + "\n")]
    [InlineData("gcpkms://projects/my-project/locations/europe-west1/keyRings/ring/cryptoKeys/signer/cryptoKeyVersions/\n")]
    public void Parse_TrailingNewline_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => CloudKmsKeyName.Parse(text));
    }
}
