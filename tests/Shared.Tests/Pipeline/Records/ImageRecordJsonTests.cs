using System.Buffers;
using System.Text.Json;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Shared.Tests.Pipeline.Records;

public sealed class ImageRecordJsonTests
{
    [Fact]
    public void Write_Record_HasStatusFieldsAndPendingCount()
    {
        var t = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var record = new ImageRecord
        {
            Key = ImageKey.Parse("127.0.0.1:5000/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"),
            Status = ImageStatus.PendingSignature,
            Reasons = ["SIGNATURE_MISSING"],
            FirstSeen = t,
            History = [new StatusTransition(null, ImageStatus.PendingSignature, t, "m1", ["SIGNATURE_MISSING"])],
        };
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ImageRecordJson.Write(writer, record);
        }

        using var json = JsonDocument.Parse(buffer.WrittenMemory);
        var root = json.RootElement;

        Assert.Equal("127.0.0.1:5000/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", root.GetProperty("image").GetString());
        Assert.Equal("PENDING_SIGNATURE", root.GetProperty("status").GetString());
        Assert.Equal("SIGNATURE_MISSING", root.GetProperty("reasons")[0].GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("history")[0].GetProperty("from").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("lastVerified").ValueKind);
        Assert.Equal(0, root.GetProperty("pendingEvents").GetInt32());
    }
}
