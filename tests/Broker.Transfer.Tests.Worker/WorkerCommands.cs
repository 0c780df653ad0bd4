using Broker.Contracts.Tickets;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Disks.Transfer;
using Broker.Transfer.Client;
using Broker.Transfer.Host;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Tests.Worker;

/// <summary>The worker's commands; each runs until done (pull, push) or killed (host).</summary>
internal static class WorkerCommands
{
    /// <summary>Serves one desktop's layer store until the process is killed.</summary>
    public static async Task HostAsync(WorkerArguments arguments)
    {
        using var key = TicketKeys.ImportPublicKeyPem(await File.ReadAllTextAsync(arguments["key"]));
        using var verifier = new TicketVerifier([key], TimeProvider.System);
        await using var layers = await LayerStore.OpenAsync(FileStorage.Instance, arguments["layers"], null, CancellationToken.None);
        var registry = new InMemoryDesktopRegistry();
        registry.Set(new TransferDesktop(arguments["desktop"], layers, (ulong)arguments.Number("epoch"), arguments["device"]));
        using var service = new DiskTransferService(registry, verifier, new TransferHostOptions { HostId = arguments["host-id"] });
        await using var app = await TransferServer.StartAsync(arguments["socket"], service);
        Console.WriteLine("ready");
        await Task.Delay(Timeout.Infinite);
    }

    public static async Task PullAsync(WorkerArguments arguments)
    {
        using var channel = TransferServer.CreateChannel(arguments["socket"]);
        using var limiter = Limiter(arguments);
        await using var bases = await BaseImageStore.OpenAsync(FileStorage.Instance, arguments["bases"], null, CancellationToken.None);
        var puller = new ChainPuller(Client(channel, arguments), bases, arguments["work"], new PullOptions { Limiter = limiter });
        await using var pulled = await puller.PullAsync(arguments["layers"], null, CancellationToken.None);
    }

    public static async Task PushAsync(WorkerArguments arguments)
    {
        using var channel = TransferServer.CreateChannel(arguments["socket"]);
        using var limiter = Limiter(arguments);
        await using var layers = await LayerStore.OpenAsync(FileStorage.Instance, arguments["layers"], null, CancellationToken.None);
        var pusher = new LayerPusher(Client(channel, arguments), arguments["work"], new PullOptions { Limiter = limiter, Priority = TransferPriority.Background });
        _ = await pusher.PushAsync(layers, arguments.Number("layer"), (ulong)arguments.Number("epoch"), null, CancellationToken.None);
    }

    private static TransferClient Client(Grpc.Net.Client.GrpcChannel channel, WorkerArguments arguments) =>
        TicketEncoding.TryDecode(arguments["ticket"], out var ticket) is null && ticket is not null
            ? new TransferClient(channel.CreateCallInvoker(), arguments["desktop"], ticket)
            : throw new ArgumentException("ticket= is not an encoded signed ticket.");

    /// <summary>A limiter at <c>rate</c> bytes/s with a one-chunk burst, or null for <c>rate=0</c>.</summary>
    private static BandwidthLimiter? Limiter(WorkerArguments arguments) =>
        arguments.Number("rate") is > 0 and var rate ? new BandwidthLimiter(rate, ChunkLayout.MaxChunkLength, TimeProvider.System) : null;
}
