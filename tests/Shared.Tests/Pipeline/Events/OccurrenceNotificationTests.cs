using System.Text;
using ImageTrust.Model;
using ImageTrust.Pipeline.Events;

namespace ImageTrust.Shared.Tests.Pipeline.Events;

public sealed class OccurrenceNotificationTests
{
    [Fact]
    public void Parse_Valid_ReadsNameKindAndTime()
    {
        var parsed = OccurrenceNotification.Parse("""{"name":"projects/p1/occurrences/abc-123","kind":"VULNERABILITY","notificationTime":"2026-11-26T10:00:00.123Z"}"""u8);

        Assert.Equal("projects/p1/occurrences/abc-123", parsed.Name);
        Assert.Equal("VULNERABILITY", parsed.Kind);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 0, 0, 123, TimeSpan.Zero), parsed.NotificationTime);
    }

    [Theory]
    [InlineData("""{"name":"projects/p1/notes/abc","kind":"VULNERABILITY"}""")]
    [InlineData("""{"name":"projects/p1/occurrences/../x","kind":"VULNERABILITY"}""")]
    [InlineData("""{"kind":"VULNERABILITY"}""")]
    [InlineData("""{"name":5}""")]
    [InlineData("""{""")]
    [InlineData("null")]
    [InlineData("""{"name":"projects/p1/occurrences/abc\n","kind":"VULNERABILITY"}""")]
    public void Parse_BadInput_ThrowsPermanentInput(string json)
    {
        var error = Assert.Throws<PermanentInputException>(() => OccurrenceNotification.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Equal("MALFORMED_EVENT", error.ReasonCode);
    }
}
