using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.Hosting;

/// <summary>
/// A request body read into memory within its size bound and the process's <see cref="RequestBodyBudget"/>: small bodies in
/// pooled arrays (given back on dispose), large ones in an array of their exact size, so a burst of large bodies leaves no
/// pool of large arrays behind.
/// </summary>
internal sealed class BufferedRequestBody : IDisposable
{
    /// <summary>Bodies up to this size are read into pooled arrays.</summary>
    public const int PooledBytes = 1024 * 1024;

    /// <summary>What a body without Content-Length reserves first; it grows (never waiting) as it arrives.</summary>
    public const int InitialChunkedBytes = 16 * 1024;

    private byte[]? _buffer;
    private readonly bool _pooled;

    private BufferedRequestBody(byte[] buffer, int length, bool pooled)
    {
        _buffer = buffer;
        _pooled = pooled;
        Content = buffer.AsMemory(0, length);
    }

    /// <summary>The body; valid until disposed.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The bytes to reserve before reading a body: its Content-Length (as the array it needs), or the first chunk.</summary>
    public static long ReservationFor(long? contentLength, long maxBytes)
        => contentLength is { } length ? ArrayBytes(length) : Math.Min(InitialChunkedBytes, ArrayBytes(maxBytes));

    /// <summary>Reads the body into memory.</summary>
    /// <param name="request">The request; its Content-Length, when present, is at most <paramref name="maxBytes"/>.</param>
    /// <param name="maxBytes">The body bound.</param>
    /// <param name="lease">The reservation made with <see cref="ReservationFor"/>; grown for a body without Content-Length.</param>
    /// <param name="cancellationToken">The request's token.</param>
    /// <returns>The body and <see cref="BodyReadStatus.Read"/>; or null with <see cref="BodyReadStatus.TooLarge"/> (more than
    /// <paramref name="maxBytes"/>) or <see cref="BodyReadStatus.OverBudget"/> (a body without Content-Length outgrew the room
    /// the budget had).</returns>
    /// <exception cref="BadHttpRequestException">The client sent less than it announced, or Kestrel refused the body.</exception>
    public static async Task<(BufferedRequestBody? Body, BodyReadStatus Status)> ReadAsync(
        HttpRequest request, long maxBytes, RequestBodyLease lease, CancellationToken cancellationToken)
    {
        var exact = request.ContentLength is not null;
        var buffer = Allocate((int)Math.Min(request.ContentLength ?? InitialChunkedBytes, maxBytes), out var pooled);
        var length = 0;
        try
        {
            while (true)
            {
                // A pooled array may be longer than the bound; never read past it.
                var room = (int)Math.Min(buffer.Length, maxBytes);
                if (length == room)
                {
                    if (exact)
                    {
                        break; // Kestrel ends a body at its Content-Length
                    }

                    if (length == maxBytes)
                    {
                        // Full at the bound: one more byte means too large.
                        var probe = new byte[1];
                        if (await request.Body.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0)
                        {
                            break;
                        }

                        return (null, BodyReadStatus.TooLarge);
                    }

                    // The reservation follows the buffer: it grows by what the larger array adds (the smaller one is dropped).
                    var grown = Allocate((int)Math.Min((long)buffer.Length * 2, maxBytes), out var grownPooled);
                    if (!lease.TryGrow(Math.Max(0, grown.Length - lease.Bytes)))
                    {
                        Free(grown, grownPooled);
                        return (null, BodyReadStatus.OverBudget);
                    }

                    buffer.AsSpan(0, length).CopyTo(grown);
                    Free(buffer, pooled);
                    (buffer, pooled) = (grown, grownPooled);
                    continue;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length, room - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            var body = new BufferedRequestBody(buffer, length, pooled);
            buffer = null!;
            return (body, BodyReadStatus.Read);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own body limit tripped first.
            return (null, BodyReadStatus.TooLarge);
        }
        finally
        {
            if (buffer is not null)
            {
                Free(buffer, pooled);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            Free(buffer, _pooled);
        }
    }

    /// <summary>The bytes the array for a body of <paramref name="length"/> takes (pooled arrays come in powers of two).</summary>
    private static long ArrayBytes(long length)
        => length <= PooledBytes ? (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(length, 16)) : length;

    private static byte[] Allocate(int length, out bool pooled)
    {
        pooled = length <= PooledBytes;
        return pooled ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);
    }

    private static void Free(byte[] buffer, bool pooled)
    {
        if (pooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
