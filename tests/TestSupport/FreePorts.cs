using System.Net;
using System.Net.Sockets;

namespace HotlineGrains.Testing;

/// <summary>
/// Loopback ports for servers a test starts (gateways, silos, silo gateways). The operating
/// system picks a free one; a port is handed out at most once per test process, so two tests
/// starting servers at the same moment never get the same one from here.
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
