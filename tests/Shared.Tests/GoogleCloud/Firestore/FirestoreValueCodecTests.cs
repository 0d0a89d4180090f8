using System.Buffers;
using System.Text.Json;
using ImageTrust.GoogleCloud.Firestore;

namespace ImageTrust.Shared.Tests.GoogleCloud.Firestore;

public sealed class FirestoreValueCodecTests
{
    [Fact]
    public void WriteValue_IntegerAndTimestamp_UseWireFormats()
    {
        Assert.Equal("{\"integerValue\":\"9007199254740993\"}", Encode(FirestoreValue.Integer(9007199254740993)));
        Assert.Equal("{\"timestampValue\":\"2026-01-02T03:04:05.123456Z\"}", Encode(FirestoreValue.Timestamp(new DateTimeOffset(2026, 1, 2, 4, 4, 5, TimeSpan.FromHours(1)).AddTicks(1234567))));
        Assert.Equal("{\"nullValue\":null}", Encode(FirestoreValue.Null));
        Assert.Equal("{\"doubleValue\":\"NaN\"}", Encode(FirestoreValue.Double(double.NaN)));
    }

    [Fact]
    public void ReadValue_EveryKind_RoundTrips()
    {
        var value = FirestoreSamples.EveryKind();

        var decoded = FirestoreValueCodec.ReadValue(JsonDocument.Parse(Encode(value)).RootElement);

        Assert.Equal(value, decoded);
        Assert.Equal(Encode(value), Encode(decoded));
    }

    [Theory]
    [InlineData("2026-11-26T15:31:27.121Z", 1210000)]
    [InlineData("2026-11-26T15:31:27.123456789Z", 1234567)]
    [InlineData("2026-11-26T15:31:27Z", 0)]
    [InlineData("2026-11-26T16:31:27.5+01:00", 5000000)]
    public void ParseTimestamp_FractionsAndOffsets_ParsesToUtc(string text, long fractionTicks)
    {
        var parsed = FirestoreValueCodec.ParseTimestamp(text);

        Assert.Equal(TimeSpan.Zero, parsed.Offset);
        Assert.Equal(new DateTime(2026, 11, 26, 15, 31, 27, DateTimeKind.Utc).Ticks + fractionTicks, parsed.UtcTicks);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"geoPointValue\":{}}")]
    [InlineData("{\"integerValue\":\"12x\"}")]
    [InlineData("\"plain\"")]
    [InlineData("{\"timestampValue\":\"yesterday\"}")]
    public void ReadValue_Malformed_ThrowsFormatException(string json)
    {
        Assert.Throws<FormatException>(() => FirestoreValueCodec.ReadValue(JsonDocument.Parse(json).RootElement));
    }

    [Fact]
    public void ReadValue_NestedTooDeeply_ThrowsFormatException()
    {
        var json = string.Concat(Enumerable.Repeat("{\"mapValue\":{\"fields\":{\"a\":", 25)) + "{\"nullValue\":null}" + string.Concat(Enumerable.Repeat("}}}", 25));

        Assert.Throws<FormatException>(() => FirestoreValueCodec.ReadValue(JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 }).RootElement));
    }

    [Fact]
    public void AsString_OnInteger_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => FirestoreValue.Integer(1).AsString());
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("__reserved__")]
    [InlineData("")]
    public void Validate_ForbiddenDocumentId_Throws(string id)
    {
        Assert.Throws<FormatException>(() => FirestoreDocumentIds.Validate(id));
    }

    [Fact]
    public void Validate_IdOver1500Bytes_Throws()
    {
        Assert.Throws<FormatException>(() => FirestoreDocumentIds.Validate(new string('é', 751)));
        Assert.Equal(new string('é', 750), FirestoreDocumentIds.Validate(new string('é', 750)));
    }

    private static string Encode(FirestoreValue value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            FirestoreValueCodec.WriteValue(writer, value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
