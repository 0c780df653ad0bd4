using System.Net;
using System.Net.Sockets;

namespace Broker.EndToEnd.Tests.Harness;

/// <summary>Free TCP ports on 127.0.0.1.</summary>
internal static class LoopbackPorts
{
    /// <summary>
    /// The first of <paramref name="count"/> consecutive ports that are all free now (the demo puts
    /// the portal, the agents' gRPC and the host's transfer endpoint on P, P+1, P+2).
    /// </summary>
    public static int FreeRun(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = Random.Shared.Next(20000, 40000);
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"Found no {count} consecutive free loopback ports.");
    }

    private static bool IsFree(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
