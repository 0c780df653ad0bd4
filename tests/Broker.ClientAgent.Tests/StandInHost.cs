using Broker.Contracts.Tickets;
using Broker.Disks.Layers;
using Broker.Transfer;
using Broker.Transfer.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.ClientAgent.Tests;

/// <summary>
/// The real <see cref="DiskTransferService"/> over a host layer store, in Kestrel on a unix socket: the
/// host agent's transfer side. <see cref="Recorder"/> sees every push it answered.
/// </summary>
internal sealed class StandInHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DiskTransferService _service;

    private readonly InMemoryDesktopRegistry _registry;

    private StandInHost(WebApplication app, DiskTransferService service, InMemoryDesktopRegistry registry, PushRecorder recorder)
    {
        _app = app;
        _service = service;
        _registry = registry;
        Recorder = recorder;
    }

    /// <summary>The pushes the host answered.</summary>
    public PushRecorder Recorder { get; }

    public static async Task<StandInHost> StartAsync(string socketPath, string hostId, TicketVerifier verifier)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.Http2.InitialStreamWindowSize = TransferLimits.StreamWindowBytes;
            kestrel.Limits.Http2.InitialConnectionWindowSize = TransferLimits.ConnectionWindowBytes;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.ListenUnixSocket(socketPath, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var registry = new InMemoryDesktopRegistry();
        var service = new DiskTransferService(registry, verifier, new TransferHostOptions { HostId = hostId });
        var recorder = new PushRecorder();
        builder.Services.AddSingleton(service);
        builder.Services.AddSingleton(recorder);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<PushRecorder>();
            grpc.MaxReceiveMessageSize = TransferLimits.MaxMessageBytes;
            grpc.MaxSendMessageSize = TransferLimits.MaxMessageBytes;
        });
        var app = builder.Build();
        app.MapGrpcService<DiskTransferService>();
        await app.StartAsync();
        return new StandInHost(app, service, registry, recorder);
    }

    /// <summary>Serves <paramref name="layers"/> as <paramref name="desktopId"/> checked out to <paramref name="deviceId"/> under <paramref name="epoch"/>.</summary>
    public void Hold(string desktopId, LayerStore layers, ulong epoch, string deviceId) =>
        _registry.Set(new TransferDesktop(desktopId, layers, epoch, deviceId));

    /// <summary>Serves <paramref name="layers"/> as <paramref name="desktopId"/> on the server at <paramref name="epoch"/> after <paramref name="revoked"/>: that device's late pushes go to its quarantine.</summary>
    public void HoldRevoked(string desktopId, LayerStore layers, ulong epoch, RevokedCheckOut revoked) =>
        _registry.Set(new TransferDesktop(desktopId, layers, epoch, null, revoked));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _service.Dispose();
    }
}
