using System.Globalization;
using Broker.Transfer.Bench;

// Usage (bench/transfer/run.sh drives it):
//   Broker.Transfer.Bench run WORKDIR RSYNC-PORT [RUNS]     prepare the data once, then every row against its peer
//   Broker.Transfer.Bench host WORKDIR                      the host side (DiskTransferService in Kestrel) until stdin closes
//   Broker.Transfer.Bench pull PORT TICKET CLIENTDIR        one pull into an empty client directory
//   Broker.Transfer.Bench push PORT TICKET WARM-UP-TICKET CLIENTDIR LAYER EPOCH   one push of a sealed layer, after a warm-up push
var mode = args.Length > 1 ? args[0] : throw new ArgumentException("usage: Broker.Transfer.Bench run|host|pull|push ...");
switch (mode)
{
    case "run":
        await BenchRunner.RunAsync(args[1], Number(args[2]), args.Length > 3 ? (int)Number(args[3]) : 3);
        break;
    case "host":
        await HostCommand.RunAsync(args[1]);
        break;
    case "pull":
        await ClientCommands.PullAsync((int)Number(args[1]), args[2], args[3]);
        break;
    case "push":
        await ClientCommands.PushAsync((int)Number(args[1]), args[2], args[3], args[4], Number(args[5]), (ulong)Number(args[6]));
        break;
    default:
        throw new ArgumentException($"unknown mode '{mode}'");
}

static long Number(string text) => long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
