using ImageTrust.Signing.Classic;

namespace ImageTrust.Shared.Tests.Signing.Classic;

public sealed class RekorBundleTests
{
    [Fact]
    public void TryParse_CosignBundle_ReadsFields()
    {
        const string json = """{"SignedEntryTimestamp":"AQID","Payload":{"body":"e30=","integratedTime":1700000000,"logIndex":7,"logID":"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"}}""";

        Assert.True(RekorBundle.TryParse(json, out var bundle, out var error), error);
        Assert.Equal([1, 2, 3], bundle.SignedEntryTimestamp);
        Assert.Equal("e30=", bundle.Body);
        Assert.Equal(7, bundle.LogIndex);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), bundle.IntegratedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"SignedEntryTimestamp\":\"AQID\"}")]
    [InlineData("{\"SignedEntryTimestamp\":\"not base64!\",\"Payload\":{\"body\":\"e30=\",\"integratedTime\":1,\"logIndex\":1,\"logID\":\"x\"}}")]
    [InlineData("{\"SignedEntryTimestamp\":\"AQID\",\"Payload\":{\"body\":\"e30=\",\"integratedTime\":-1,\"logIndex\":1,\"logID\":\"x\"}}")]
    [InlineData("{\"SignedEntryTimestamp\":\"AQID\",\"Payload\":{\"body\":\"e30=\",\"integratedTime\":\"1\",\"logIndex\":1,\"logID\":\"x\"}}")]
    public void TryParse_Malformed_False(string json)
    {
        Assert.False(RekorBundle.TryParse(json, out var bundle, out var error));
        Assert.Null(bundle);
        Assert.NotEmpty(error);
    }
}
