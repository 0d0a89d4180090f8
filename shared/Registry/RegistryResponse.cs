using System.Net;

namespace ImageTrust.Registry;

/// <summary>A registry answer, already read: the status, the headers the client uses, and (for 2xx only) the bounded body.</summary>
internal sealed record RegistryResponse(
    HttpStatusCode StatusCode,
    Uri? RequestUri,
    byte[] Body,
    string? MediaType,
    string? DockerContentDigest,
    IReadOnlyList<string> Links,
    IReadOnlyList<string> Challenges)
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Whether the status is 2xx.</summary>
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;

    /// <summary>Reads <paramref name="response"/>: the body (2xx only) is read in chunks and abandoned as soon as it passes <paramref name="maxBytes"/>.</summary>
    /// <exception cref="RegistryProtocolException"><c>TOO_LARGE</c> when the declared or actual body exceeds <paramref name="maxBytes"/>.</exception>
    /// <exception cref="IOException">The connection broke while reading.</exception>
    public static async Task<RegistryResponse> ReadAsync(HttpResponseMessage response, long maxBytes, string what, CancellationToken cancellationToken)
    {
        var body = Array.Empty<byte>();
        if (response.IsSuccessStatusCode)
        {
            body = await ReadBoundedAsync(response.Content, maxBytes, what, cancellationToken).ConfigureAwait(false);
        }

        return new RegistryResponse(
            response.StatusCode,
            response.RequestMessage?.RequestUri,
            body,
            response.Content.Headers.ContentType?.MediaType,
            Values(response, "Docker-Content-Digest").FirstOrDefault(),
            Values(response, "Link"),
            Values(response, "WWW-Authenticate"));
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, long maxBytes, string what, CancellationToken cancellationToken)
    {
        var declared = content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            throw TooLarge(what, maxBytes, $"declared {declared} bytes");
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // Content-Length only sizes the first buffer; the limit is enforced on the bytes actually read.
            var buffer = new byte[(int)Math.Min(maxBytes + 1, declared is long length ? length + 1 : ChunkBytes)];
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > maxBytes)
                    {
                        throw TooLarge(what, maxBytes, $"more than {maxBytes} bytes");
                    }

                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            if (total > maxBytes)
            {
                throw TooLarge(what, maxBytes, $"more than {maxBytes} bytes");
            }

            return total == buffer.Length ? buffer : buffer[..total];
        }
    }

    private static RegistryProtocolException TooLarge(string what, long maxBytes, string detail)
        => new("TOO_LARGE", $"{what} is too large ({detail}; the limit is {maxBytes} bytes)");

    private static IReadOnlyList<string> Values(HttpResponseMessage response, string name)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values))
        {
            return [.. values];
        }

        return [];
    }
}
