using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Broker.Contracts.Tickets;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Transfer.Client;
using Broker.Vhdx.Storage;
using Grpc.Net.Client;

namespace Broker.Transfer.Bench;

/// <summary>
/// The client side as its own process, as the client agent runs it: one pull or one push over a
/// channel with <see cref="TransferChannelOptions"/> to 127.0.0.1. Prints <c>progress DONE TOTAL</c>
/// while pulling and at the end <c>usage CPU-SECONDS PEAK-RSS-BYTES WIRE-READ WIRE-WRITTEN</c>: its
/// own CPU time, VmHWM and the bytes its sockets moved (HTTP/2 framing included); a pull prints its
/// phases before (<see cref="PhaseTimer"/>).
/// </summary>
internal static class ClientCommands
{
    public static async Task PullAsync(int port, string ticket, string clientDirectory)
    {
        var client = new ClientLayout(clientDirectory);
        var wire = new WireCounter();
        using var phases = new PhaseTimer();
        using var channel = Channel(port, wire);
        await using var bases = await BaseImageStore.OpenAsync(FileStorage.Instance, client.Images, null, CancellationToken.None);
        var puller = new ChainPuller(Client(channel, ticket), bases, client.Work);
        await using var pulled = await puller.PullAsync(client.Desktop, new ProgressPrinter(), CancellationToken.None);
        phases.Print();
        PrintUsage(wire);
    }

    /// <summary>
    /// One push of sealed layer <paramref name="layerId"/> after an untimed warm-up push
    /// (<see cref="PushWarmUp"/>) over the same channel, as a running client agent pushes. Prints the
    /// push's phases (<see cref="TransferActivities"/>; <c>push.layer</c> is the whole call up to the
    /// durable ack); the wire bytes count only the timed push, the CPU time the whole process.
    /// </summary>
    public static async Task PushAsync(int port, string ticket, string warmUpTicket, string clientDirectory, long layerId, ulong epoch)
    {
        var client = new ClientLayout(clientDirectory);
        var wire = new WireCounter();
        using var channel = Channel(port, wire);
        await PushWarmUp.RunAsync(client, new LayerPusher(Client(channel, warmUpTicket, BenchLayout.WarmUpDesktopId), client.Work), epoch);
        await using var layers = await LayerStore.OpenAsync(FileStorage.Instance, client.Desktop, null, CancellationToken.None);
        var pusher = new LayerPusher(Client(channel, ticket), client.Work);
        var (readBefore, writtenBefore) = (wire.Read, wire.Written);
        using (var phases = new PhaseTimer())
        {
            _ = await pusher.PushAsync(layers, layerId, epoch, null, CancellationToken.None);
            phases.Print();
        }

        PrintUsage(wire, readBefore, writtenBefore);
    }

    private static TransferClient Client(GrpcChannel channel, string ticket, string desktopId = BenchLayout.DesktopId) =>
        TicketEncoding.TryDecode(ticket, out var signed) is null && signed is not null
            ? new TransferClient(channel.CreateCallInvoker(), desktopId, signed)
            : throw new ArgumentException("The ticket is not an encoded signed ticket.");

    /// <summary>A transfer channel to 127.0.0.1:<paramref name="port"/> whose sockets count their bytes into <paramref name="wire"/>.</summary>
    private static GrpcChannel Channel(int port, WireCounter wire) =>
        TransferChannelOptions.CreateChannel(new Uri($"http://127.0.0.1:{port}"), new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new CountingStream(new NetworkStream(socket, ownsSocket: true), wire);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });

    private static void PrintUsage(WireCounter wire, long readBefore = 0, long writtenBefore = 0)
    {
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture);
        Console.WriteLine($"usage {cpu} {PeakRssBytes()} {wire.Read - readBefore} {wire.Written - writtenBefore}");
    }

    private static long PeakRssBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(line => line.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Prints progress at every whole percent (synchronously, so the lines come in order).</summary>
    private sealed class ProgressPrinter : IProgress<TransferProgress>
    {
        private long _printedPercent = -1;

        public void Report(TransferProgress value)
        {
            var percent = value.BytesTotal == 0 ? 100 : value.BytesDone * 100 / value.BytesTotal;
            if (Interlocked.Exchange(ref _printedPercent, percent) != percent)
            {
                Console.WriteLine($"progress {value.BytesDone} {value.BytesTotal}");
            }
        }
    }
}
