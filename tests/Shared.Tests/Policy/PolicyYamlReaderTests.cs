using ImageTrust.Model;
using ImageTrust.Policy;

namespace ImageTrust.Shared.Tests.Policy;

public sealed class PolicyYamlReaderTests
{
    [Theory]
    [InlineData("x: !!float \"1.5\"", "1.5")]
    [InlineData("x: !!int \"12\"", "12")]
    public void Read_TaggedNumber_IsThatNumber(string yaml, string expected)
    {
        Assert.Equal(expected, PolicyYamlReader.Read(yaml, "policy.yaml").Root!["x"]!.ToJsonString());
    }

    [Theory]
    [InlineData("x: !!float \"1.5\\n\"")]
    [InlineData("x: !!int \"12\\n\"")]
    public void Read_TaggedNumberWithTrailingNewline_ThrowsConfigurationException(string yaml)
    {
        var error = Assert.Throws<ConfigurationException>(() => PolicyYamlReader.Read(yaml, "policy.yaml"));

        Assert.Contains("is not a valid !!", error.Message, StringComparison.Ordinal);
    }
}
