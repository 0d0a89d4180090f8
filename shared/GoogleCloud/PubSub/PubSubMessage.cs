using System.Collections.Immutable;
using System.Text;

namespace ImageTrust.GoogleCloud.PubSub;

/// <summary>One message to publish: data bytes, string attributes and an optional ordering key. Validated on creation.</summary>
internal sealed record PubSubMessage
{
    /// <summary>The largest message Pub/Sub accepts (data plus attributes), 10 MB.</summary>
    public const int MaxMessageBytes = 10_000_000;

    private PubSubMessage(ReadOnlyMemory<byte> data, ImmutableSortedDictionary<string, string> attributes, string? orderingKey)
    {
        Data = data;
        Attributes = attributes;
        OrderingKey = orderingKey;
    }

    /// <summary>The payload (may be empty when attributes are present).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The attributes, sorted by key.</summary>
    public ImmutableSortedDictionary<string, string> Attributes { get; }

    /// <summary>The ordering key, or null.</summary>
    public string? OrderingKey { get; }

    /// <summary>Creates a message.</summary>
    /// <exception cref="FormatException">The message is empty, too large, or an attribute or ordering key breaks Pub/Sub's limits.</exception>
    public static PubSubMessage Create(ReadOnlyMemory<byte> data, IEnumerable<KeyValuePair<string, string>>? attributes = null, string? orderingKey = null)
    {
        var map = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, attributes ?? []);
        foreach (var (key, value) in map)
        {
            if (key.Length == 0 || Encoding.UTF8.GetByteCount(key) > 256 || key.StartsWith("goog", StringComparison.Ordinal))
            {
                throw new FormatException($"attribute key '{key}' must be 1-256 bytes and must not start with 'goog'");
            }

            if (Encoding.UTF8.GetByteCount(value) > 1024)
            {
                throw new FormatException($"attribute '{key}' exceeds 1024 bytes");
            }
        }

        if (data.IsEmpty && map.IsEmpty)
        {
            throw new FormatException("a message needs data or at least one attribute");
        }

        if (orderingKey is not null && (orderingKey.Length == 0 || Encoding.UTF8.GetByteCount(orderingKey) > 1024))
        {
            throw new FormatException("an ordering key must be 1-1024 bytes");
        }

        var message = new PubSubMessage(data, map, orderingKey);
        if (message.EncodedSize > MaxMessageBytes)
        {
            throw new FormatException($"message of about {message.EncodedSize} bytes exceeds {MaxMessageBytes} bytes");
        }

        return message;
    }

    /// <summary>Creates a message whose data is UTF-8 text.</summary>
    /// <exception cref="FormatException">See <see cref="Create(ReadOnlyMemory{byte}, IEnumerable{KeyValuePair{string, string}}?, string?)"/>.</exception>
    public static PubSubMessage FromText(string text, IEnumerable<KeyValuePair<string, string>>? attributes = null, string? orderingKey = null)
        => Create(Encoding.UTF8.GetBytes(text), attributes, orderingKey);

    /// <summary>An upper bound of the bytes this message adds to a JSON publish request (base64 data, attributes, key, punctuation).</summary>
    public int EncodedSize
    {
        get
        {
            var size = 64 + (((Data.Length + 2) / 3) * 4);
            foreach (var (key, value) in Attributes)
            {
                size += 8 + (Encoding.UTF8.GetByteCount(key) * 6) + (Encoding.UTF8.GetByteCount(value) * 6);
            }

            return size + (OrderingKey is null ? 0 : 20 + (Encoding.UTF8.GetByteCount(OrderingKey) * 6));
        }
    }
}
