using System.Net;
using System.Net.Sockets;

namespace ImageTrust.TestSupport;

/// <summary>Finds a free loopback TCP port for a process the tests start.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
