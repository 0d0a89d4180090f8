using System.Net;
using System.Net.Sockets;
using ImageTrust.Model;

namespace ImageTrust.Cli;

/// <summary>
/// The line ImageTrust adds when it could not reach a registry cosign would also have tried over plain HTTP without any flag:
/// go-containerregistry (<c>name.Registry.Scheme</c>) falls back to HTTP for <c>localhost:PORT</c>, <c>*.localhost</c>,
/// <c>127.0.0.1</c>, <c>::1</c> and RFC 1918 addresses; ImageTrust only with <c>--allow-http-registry</c>.
/// </summary>
internal static class PlainHttpHint
{
    private static readonly (IPAddress Network, int Bits)[] PrivateNetworks =
    [
        (IPAddress.Parse("10.0.0.0"), 8),
        (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.168.0.0"), 16),
    ];

    /// <summary>The hint for a failure reaching <paramref name="imageText"/>'s registry, or null when cosign would not have used HTTP either.</summary>
    public static string? For(string imageText, Exception failure)
    {
        if (failure is not (HttpRequestException or SocketException or TransientFailureException or TimeoutException or TaskCanceledException))
        {
            return null;
        }

        ImageReference image;
        try
        {
            image = ImageReference.Parse(imageText);
        }
        catch (FormatException)
        {
            return null;
        }

        return CosignTriesPlainHttp(image.Registry)
            ? $"{image.Registry} may be a plain-HTTP registry: cosign tries HTTP there without a flag, ImageTrust only with --allow-http-registry (or IMAGETRUST_HTTP_REGISTRIES)"
            : null;
    }

    /// <summary>Whether go-containerregistry would try plain HTTP for this canonical registry name without <c>name.Insecure</c>.</summary>
    public static bool CosignTriesPlainHttp(string registry)
    {
        var host = registry;
        if (host.StartsWith('['))
        {
            host = host[1..host.IndexOf(']', StringComparison.Ordinal)];
        }
        else if (host.LastIndexOf(':') is var colon and > 0)
        {
            host = host[..colon];
        }

        if (registry.StartsWith("localhost:", StringComparison.Ordinal) || host.EndsWith(".localhost", StringComparison.Ordinal) || host is "127.0.0.1" or "::1")
        {
            return true;
        }

        return IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetwork
            && PrivateNetworks.Any(network => InNetwork(address, network.Network, network.Bits));
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int bits)
    {
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (var i = 0; i < 4; i++)
        {
            var mask = bits >= 8 ? 0xFF : bits <= 0 ? 0 : 0xFF << (8 - bits) & 0xFF;
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }

            bits -= 8;
        }

        return true;
    }
}
