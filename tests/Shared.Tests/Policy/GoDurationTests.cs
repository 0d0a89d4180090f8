using ImageTrust.Policy;

namespace ImageTrust.Shared.Tests.Policy;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1500ms", 1.5)]
    public void Parse_Valid_Seconds(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.Parse(text));
    }

    [Theory]
    [InlineData("10m\n")]
    [InlineData("10\n")]
    [InlineData("10")]
    [InlineData("")]
    public void Parse_Invalid_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => GoDuration.Parse(text));
    }
}
