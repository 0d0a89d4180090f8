using System.Collections.Immutable;

namespace ImageTrust.GoogleCloud.Firestore;

/// <summary>
/// An immutable, typed Firestore value. Create with the static factories; read with the <c>As…</c> accessors, which throw
/// <see cref="FormatException"/> when the stored kind is not the one expected (a document that does not have the shape we wrote).
/// Equality is structural.
/// </summary>
internal sealed class FirestoreValue : IEquatable<FirestoreValue>
{
    private readonly object? _value;

    private FirestoreValue(FirestoreValueKind kind, object? value)
    {
        Kind = kind;
        _value = value;
    }

    /// <summary>The null value.</summary>
    public static FirestoreValue Null { get; } = new(FirestoreValueKind.Null, null);

    /// <summary>The kind of this value.</summary>
    public FirestoreValueKind Kind { get; }

    /// <summary>A string.</summary>
    public static FirestoreValue String(string value) => new(FirestoreValueKind.String, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>A string, or <see cref="Null"/> when <paramref name="value"/> is null.</summary>
    public static FirestoreValue StringOrNull(string? value) => value is null ? Null : String(value);

    /// <summary>A 64-bit integer.</summary>
    public static FirestoreValue Integer(long value) => new(FirestoreValueKind.Integer, value);

    /// <summary>A double (NaN and infinities are allowed).</summary>
    public static FirestoreValue Double(double value) => new(FirestoreValueKind.Double, value);

    /// <summary>A boolean.</summary>
    public static FirestoreValue Boolean(bool value) => new(FirestoreValueKind.Boolean, value);

    /// <summary>A timestamp, truncated to the microsecond precision Firestore stores.</summary>
    public static FirestoreValue Timestamp(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new(FirestoreValueKind.Timestamp, new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero));
    }

    /// <summary>A timestamp, or <see cref="Null"/>.</summary>
    public static FirestoreValue TimestampOrNull(DateTimeOffset? value) => value is null ? Null : Timestamp(value.Value);

    /// <summary>Bytes.</summary>
    public static FirestoreValue Bytes(ReadOnlySpan<byte> value) => new(FirestoreValueKind.Bytes, ImmutableArray.Create(value));

    /// <summary>A reference to a document by its full resource name.</summary>
    public static FirestoreValue Reference(string documentName) => new(FirestoreValueKind.Reference, documentName ?? throw new ArgumentNullException(nameof(documentName)));

    /// <summary>An array. Firestore forbids arrays directly inside arrays.</summary>
    /// <exception cref="FormatException">An element is itself an array.</exception>
    public static FirestoreValue Array(IEnumerable<FirestoreValue> values)
    {
        var items = values.ToImmutableArray();
        if (items.Any(v => v.Kind == FirestoreValueKind.Array))
        {
            throw new FormatException("a Firestore array cannot directly contain another array");
        }

        return new(FirestoreValueKind.Array, items);
    }

    /// <summary>A map of field names to values.</summary>
    public static FirestoreValue Map(IEnumerable<KeyValuePair<string, FirestoreValue>> fields)
        => new(FirestoreValueKind.Map, fields.ToImmutableSortedDictionary(StringComparer.Ordinal));

    /// <summary>The string.</summary>
    /// <exception cref="FormatException">Not a string.</exception>
    public string AsString() => Kind == FirestoreValueKind.String ? (string)_value! : throw Mismatch(FirestoreValueKind.String);

    /// <summary>The string, or null for a null value.</summary>
    /// <exception cref="FormatException">Neither a string nor null.</exception>
    public string? AsStringOrNull() => Kind == FirestoreValueKind.Null ? null : AsString();

    /// <summary>The integer.</summary>
    /// <exception cref="FormatException">Not an integer.</exception>
    public long AsInteger() => Kind == FirestoreValueKind.Integer ? (long)_value! : throw Mismatch(FirestoreValueKind.Integer);

    /// <summary>The double (an integer is widened).</summary>
    /// <exception cref="FormatException">Not a number.</exception>
    public double AsDouble() => Kind switch
    {
        FirestoreValueKind.Double => (double)_value!,
        FirestoreValueKind.Integer => (long)_value!,
        _ => throw Mismatch(FirestoreValueKind.Double),
    };

    /// <summary>The boolean.</summary>
    /// <exception cref="FormatException">Not a boolean.</exception>
    public bool AsBoolean() => Kind == FirestoreValueKind.Boolean ? (bool)_value! : throw Mismatch(FirestoreValueKind.Boolean);

    /// <summary>The timestamp (UTC).</summary>
    /// <exception cref="FormatException">Not a timestamp.</exception>
    public DateTimeOffset AsTimestamp() => Kind == FirestoreValueKind.Timestamp ? (DateTimeOffset)_value! : throw Mismatch(FirestoreValueKind.Timestamp);

    /// <summary>The timestamp, or null for a null value.</summary>
    /// <exception cref="FormatException">Neither a timestamp nor null.</exception>
    public DateTimeOffset? AsTimestampOrNull() => Kind == FirestoreValueKind.Null ? null : AsTimestamp();

    /// <summary>The bytes.</summary>
    /// <exception cref="FormatException">Not bytes.</exception>
    public ImmutableArray<byte> AsBytes() => Kind == FirestoreValueKind.Bytes ? (ImmutableArray<byte>)_value! : throw Mismatch(FirestoreValueKind.Bytes);

    /// <summary>The referenced document name.</summary>
    /// <exception cref="FormatException">Not a reference.</exception>
    public string AsReference() => Kind == FirestoreValueKind.Reference ? (string)_value! : throw Mismatch(FirestoreValueKind.Reference);

    /// <summary>The array elements.</summary>
    /// <exception cref="FormatException">Not an array.</exception>
    public ImmutableArray<FirestoreValue> AsArray() => Kind == FirestoreValueKind.Array ? (ImmutableArray<FirestoreValue>)_value! : throw Mismatch(FirestoreValueKind.Array);

    /// <summary>The map fields.</summary>
    /// <exception cref="FormatException">Not a map.</exception>
    public ImmutableSortedDictionary<string, FirestoreValue> AsMap() => Kind == FirestoreValueKind.Map ? (ImmutableSortedDictionary<string, FirestoreValue>)_value! : throw Mismatch(FirestoreValueKind.Map);

    /// <inheritdoc />
    public bool Equals(FirestoreValue? other)
    {
        if (other is null || other.Kind != Kind)
        {
            return false;
        }

        return Kind switch
        {
            FirestoreValueKind.Null => true,
            FirestoreValueKind.Double => ((double)_value!).Equals((double)other._value!),
            FirestoreValueKind.Bytes => AsBytes().SequenceEqual(other.AsBytes()),
            FirestoreValueKind.Array => AsArray().SequenceEqual(other.AsArray()),
            FirestoreValueKind.Map => AsMap().Count == other.AsMap().Count && AsMap().All(p => other.AsMap().TryGetValue(p.Key, out var v) && p.Value.Equals(v)),
            _ => _value!.Equals(other._value),
        };
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FirestoreValue);

    /// <inheritdoc />
    public override int GetHashCode() => Kind switch
    {
        FirestoreValueKind.Null => 0,
        FirestoreValueKind.Bytes => HashCode.Combine(Kind, AsBytes().Length),
        FirestoreValueKind.Array => HashCode.Combine(Kind, AsArray().Length),
        FirestoreValueKind.Map => HashCode.Combine(Kind, AsMap().Count),
        _ => HashCode.Combine(Kind, _value),
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        FirestoreValueKind.Null => "null",
        FirestoreValueKind.Array => $"[{AsArray().Length} values]",
        FirestoreValueKind.Map => $"{{{AsMap().Count} fields}}",
        _ => $"{Kind}:{_value}",
    };

    private FormatException Mismatch(FirestoreValueKind expected) => new($"expected a Firestore {expected} value but found {Kind}");
}
