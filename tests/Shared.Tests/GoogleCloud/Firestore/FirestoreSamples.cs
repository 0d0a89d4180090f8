using ImageTrust.GoogleCloud.Firestore;

namespace ImageTrust.Shared.Tests.GoogleCloud.Firestore;

internal static class FirestoreSamples
{
    /// <summary>A map holding one value of every kind, nested.</summary>
    public static FirestoreValue EveryKind() => FirestoreValue.Map(new Dictionary<string, FirestoreValue>
    {
        ["s"] = FirestoreValue.String("héllo \"world\""),
        ["i"] = FirestoreValue.Integer(long.MinValue),
        ["d"] = FirestoreValue.Double(3.25),
        ["b"] = FirestoreValue.Boolean(true),
        ["t"] = FirestoreValue.Timestamp(new DateTimeOffset(2026, 11, 26, 15, 0, 0, TimeSpan.Zero).AddTicks(1234560)),
        ["n"] = FirestoreValue.Null,
        ["y"] = FirestoreValue.Bytes([1, 2, 255]),
        ["a"] = FirestoreValue.Array([FirestoreValue.String("x"), FirestoreValue.Integer(2), FirestoreValue.Map(new Dictionary<string, FirestoreValue> { ["k"] = FirestoreValue.Boolean(false) })]),
        ["m"] = FirestoreValue.Map(new Dictionary<string, FirestoreValue> { ["inner"] = FirestoreValue.Array([]) }),
    });
}
