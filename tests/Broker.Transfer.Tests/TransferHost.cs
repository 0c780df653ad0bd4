using Broker.Contracts.Tickets;
using Broker.Transfer.Host;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Transfer.Tests;

/// <summary>
/// The real <see cref="DiskTransferService"/> in Kestrel on a unix socket with Grpc.AspNetCore and
/// the transfer windows of <see cref="TransferLimits"/>, plus a channel to it.
/// </summary>
internal sealed class TransferHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TransferHost(WebApplication app, string socketPath, DiskTransferService service)
    {
        _app = app;
        Service = service;
        Channel = GrpcChannel.ForAddress("http://transfer", TransferChannelOptions.Create(new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath), token);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        }));
    }

    public DiskTransferService Service { get; }

    public GrpcChannel Channel { get; }

    /// <summary>Starts the service on <c>transfer.sock</c> in <paramref name="directory"/>; <paramref name="interceptor"/> sits in front of it when given.</summary>
    public static async Task<TransferHost> StartAsync(string directory, IDesktopRegistry registry, TicketVerifier verifier, TransferHostOptions options, Interceptor? interceptor = null)
    {
        var socketPath = Path.Combine(directory, "transfer.sock");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.Http2.InitialStreamWindowSize = TransferLimits.StreamWindowBytes;
            kestrel.Limits.Http2.InitialConnectionWindowSize = TransferLimits.ConnectionWindowBytes;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.ListenUnixSocket(socketPath, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var service = new DiskTransferService(registry, verifier, options);
        builder.Services.AddSingleton(service);
        if (interceptor is not null)
        {
            builder.Services.AddSingleton(interceptor.GetType(), interceptor);
        }

        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = TransferLimits.MaxMessageBytes;
            grpc.MaxSendMessageSize = TransferLimits.MaxMessageBytes;
            if (interceptor is not null)
            {
                grpc.Interceptors.Add(interceptor.GetType());
            }
        });
        var app = builder.Build();
        app.MapGrpcService<DiskTransferService>();
        await app.StartAsync();
        return new TransferHost(app, socketPath, service);
    }

    public CallInvoker Invoker => Channel.CreateCallInvoker();

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Service.Dispose();
    }
}
