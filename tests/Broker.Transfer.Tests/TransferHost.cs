using Broker.Contracts.Tickets;
using Broker.Transfer.Host;
using Broker.Transfer.Tests.Worker;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace Broker.Transfer.Tests;

/// <summary>
/// The real <see cref="DiskTransferService"/> in Kestrel on a unix socket (<see cref="TransferServer"/>),
/// in this process, plus a channel to it.
/// </summary>
internal sealed class TransferHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TransferHost(WebApplication app, string socketPath, DiskTransferService service)
    {
        _app = app;
        Service = service;
        Channel = TransferServer.CreateChannel(socketPath);
    }

    public DiskTransferService Service { get; }

    public GrpcChannel Channel { get; }

    public CallInvoker Invoker => Channel.CreateCallInvoker();

    /// <summary>Starts the service on <c>transfer.sock</c> in <paramref name="directory"/>; <paramref name="interceptor"/> sits in front of it when given.</summary>
    public static async Task<TransferHost> StartAsync(string directory, IDesktopRegistry registry, TicketVerifier verifier, TransferHostOptions options, Interceptor? interceptor = null)
    {
        var socketPath = Path.Combine(directory, "transfer.sock");
        var service = new DiskTransferService(registry, verifier, options);
        var app = await TransferServer.StartAsync(socketPath, service, interceptor);
        return new TransferHost(app, socketPath, service);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Service.Dispose();
    }
}
