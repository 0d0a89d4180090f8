using System.Text;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Shared.Tests.Signing.Trust;

public sealed class TrustedRootParserTests
{
    private static string VectorPath(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Conformance", "vectors", .. parts]);

    [Fact]
    public void PublicGood_Embedded_HasEveryKindOfAuthority()
    {
        var material = TrustedMaterial.PublicGood;

        Assert.NotEmpty(material.CertificateAuthorities);
        Assert.Equal(2, material.TransparencyLogs.Count);
        Assert.NotEmpty(material.CertificateTransparencyLogs);
        Assert.NotEmpty(material.TimestampAuthorities);
        Assert.Same(material, TrustedMaterial.PublicGood);
    }

    [Fact]
    public void Parse_TlogWithoutValidityStart_Throws()
    {
        var json = File.ReadAllBytes(VectorPath("sigstore-bundle-verify", "trust-root-tlog-missing-validity-start_fail", "trusted_root.json"));

        var error = Assert.Throws<FormatException>(() => TrustedRootParser.Parse(json));
        Assert.Contains("start", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WrongMediaType_Throws()
    {
        var json = Encoding.UTF8.GetBytes("""{"mediaType":"application/json","tlogs":[]}""");

        Assert.Throws<FormatException>(() => TrustedRootParser.Parse(json));
    }

    [Fact]
    public void Parse_MalformedJson_Throws()
    {
        Assert.Throws<FormatException>(() => TrustedRootParser.Parse(Encoding.UTF8.GetBytes("{\"mediaType\":")));
    }

    [Fact]
    public void Parse_PublicGoodTlog_LogIdMatchesKeyHash()
    {
        var rekor = TrustedMaterial.PublicGood.TransparencyLogs.Single(log => log.Host == "rekor.sigstore.dev");

        Assert.Equal(rekor.Key.KeyIdHex, rekor.LogIdHex);
        Assert.Equal("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d", rekor.LogIdHex);
    }

    [Fact]
    public void Contains_EndInstant_IsInclusive()
    {
        var start = DateTimeOffset.Parse("2024-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var window = new TimeWindow(start, start.AddDays(1));

        Assert.True(window.Contains(start));
        Assert.True(window.Contains(start.AddDays(1)));
        Assert.False(window.Contains(start.AddDays(1).AddTicks(1)));
        Assert.False(window.Contains(start.AddTicks(-1)));
    }

    [Fact]
    public void Constructor_EndBeforeStart_Throws()
    {
        Assert.Throws<FormatException>(() => new TimeWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(-1)));
    }
}
