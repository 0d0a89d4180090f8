using System.Globalization;
using System.Text;

namespace ImageTrust.Signing.Dsse;

/// <summary>DSSE v1 pre-authentication encoding: <c>"DSSEv1" SP len(type) SP type SP len(body) SP body</c>, lengths in ASCII decimal bytes.</summary>
internal static class PreAuthenticationEncoder
{
    /// <summary>Encodes <paramref name="payloadType"/> and <paramref name="payload"/>.</summary>
    public static byte[] Encode(string payloadType, ReadOnlySpan<byte> payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} "));
        var middle = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} "));
        var result = new byte[header.Length + type.Length + middle.Length + payload.Length];
        header.CopyTo(result, 0);
        type.CopyTo(result, header.Length);
        middle.CopyTo(result, header.Length + type.Length);
        payload.CopyTo(result.AsSpan(header.Length + type.Length + middle.Length));
        return result;
    }
}
