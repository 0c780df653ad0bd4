using System.Net;
using Broker.Contracts.Tickets;
using Broker.Disks.Layers;
using Broker.Transfer.Host;
using Broker.Vhdx.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Transfer.Bench;

/// <summary>
/// The host side as its own process: the bench desktop's layer store (and the push warm-up desktop's) served by the real
/// <see cref="DiskTransferService"/> in Kestrel on 127.0.0.1 (a free port), with the HTTP/2 windows
/// and message limits the host agent sets (<see cref="TransferLimits"/>). Prints <c>port N</c> once
/// listening and <c>served CHUNKS BYTES</c> whenever a <c>PullChunks</c> call ends; stops when its
/// stdin closes (the bench ended or died).
/// </summary>
internal static class HostCommand
{
    public static async Task RunAsync(string workDirectory)
    {
        var layout = new BenchLayout(workDirectory);
        using var key = TicketKeys.ImportPublicKeyPem(await File.ReadAllTextAsync(layout.PublicKey));
        using var verifier = new TicketVerifier([key], TimeProvider.System);
        await using var layers = await LayerStore.OpenAsync(FileStorage.Instance, layout.HostDesktop, null, CancellationToken.None);
        await using var warmUpLayers = await LayerStore.OpenAsync(FileStorage.Instance, layout.HostWarmUpDesktop, null, CancellationToken.None);
        var registry = new InMemoryDesktopRegistry();
        registry.Set(new TransferDesktop(BenchLayout.DesktopId, layers, BenchLayout.Epoch, BenchLayout.DeviceId));
        registry.Set(new TransferDesktop(BenchLayout.WarmUpDesktopId, warmUpLayers, BenchLayout.Epoch, BenchLayout.DeviceId));
        using var service = new DiskTransferService(registry, verifier, new TransferHostOptions { HostId = BenchLayout.HostId });

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.Http2.InitialStreamWindowSize = TransferLimits.StreamWindowBytes;
            kestrel.Limits.Http2.InitialConnectionWindowSize = TransferLimits.ConnectionWindowBytes;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddSingleton(service);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = TransferLimits.MaxMessageBytes;
            grpc.MaxSendMessageSize = TransferLimits.MaxMessageBytes;
            grpc.Interceptors.Add<ServedChunkCounter>();
        });
        await using var app = builder.Build();
        app.MapGrpcService<DiskTransferService>();
        await app.StartAsync();
        Console.WriteLine($"port {new Uri(app.Urls.First()).Port}");
        _ = await Console.In.ReadToEndAsync();
        await app.StopAsync();
    }
}
