using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Broker.Disks.Chains;
using Broker.Nbd;
using Broker.Nbd.Bench;
using Broker.Vhdx.Storage;

// Usage (bench/nbd/run.sh drives it):
//   Broker.Nbd.Bench compare WORKDIR [RUNS] [ROW-FILTER]   qemu-nbd vs ours under qemu-img bench
//   Broker.Nbd.Bench seal WORKDIR [BOOTS]                  seal latency while the churn guest runs
//   Broker.Nbd.Bench serve IMAGE SOCKET                    our server over a ChainBlockDevice until SIGTERM
var mode = args.Length > 1 ? args[0] : throw new ArgumentException("usage: Broker.Nbd.Bench compare|seal|serve ...");
switch (mode)
{
    case "compare":
        await ThroughputBench.RunAsync(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3, args.Length > 3 ? args[3] : string.Empty);
        break;
    case "seal":
        await SealLatencyBench.RunAsync(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8);
        break;
    case "serve":
        await ServeAsync(args[1], args[2]);
        break;
    default:
        throw new ArgumentException($"unknown mode '{mode}'");
}

// What a host agent serves for a desktop: a ChainBlockDevice (here a chain of one dynamic VHDX) as an export of NbdServer.
static async Task ServeAsync(string imagePath, string socketPath)
{
    using var stop = new CancellationTokenSource();
    using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        stop.Cancel();
    });
    await using var device = await ChainBlockDevice.OpenAsync(FileStorage.Instance, imagePath, readOnly: false, CancellationToken.None);
    await using var server = new NbdServer();
    server.AddExport(string.Empty, device);
    await server.RunAsync(new UnixDomainSocketEndPoint(socketPath), stop.Token);
}
