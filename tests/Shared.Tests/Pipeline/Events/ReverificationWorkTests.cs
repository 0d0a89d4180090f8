using System.Text;
using ImageTrust.Model;
using ImageTrust.Pipeline.Events;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Shared.Tests.Pipeline.Events;

public sealed class ReverificationWorkTests
{
    private const string Image = "europe-docker.pkg.dev/p/repo/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    [Fact]
    public void Parse_WhatToJsonWrites_RoundTrips()
    {
        var work = new ReverificationWork(ImageKey.Parse(Image), "POLICY_CHANGED");

        var parsed = ReverificationWork.Parse(work.ToJson());

        Assert.Equal(work, parsed);
        Assert.Equal($$"""{"image":"{{Image}}","reason":"POLICY_CHANGED"}""", Encoding.UTF8.GetString(work.ToJson()));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"image":"europe-docker.pkg.dev/p/repo/app:latest","reason":"X"}""")]
    [InlineData("""{"image":42,"reason":"X"}""")]
    [InlineData("""{"image":"europe-docker.pkg.dev/p/repo/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}""")]
    [InlineData("""{"image":"europe-docker.pkg.dev/p/repo/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae","reason":""}""")]
    public void Parse_Malformed_MalformedWork(string data)
    {
        var exception = Assert.Throws<PermanentInputException>(() => ReverificationWork.Parse(Encoding.UTF8.GetBytes(data)));

        Assert.Equal("MALFORMED_WORK", exception.ReasonCode);
    }

    [Fact]
    public void Parse_Oversized_OversizedEvent()
    {
        var exception = Assert.Throws<PermanentInputException>(() => ReverificationWork.Parse(new byte[ReverificationWork.MaxDataBytes + 1]));

        Assert.Equal("OVERSIZED_EVENT", exception.ReasonCode);
    }
}
