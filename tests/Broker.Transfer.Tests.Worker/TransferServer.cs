using System.Net.Sockets;
using Broker.Transfer.Host;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Transfer.Tests.Worker;

/// <summary>
/// <see cref="DiskTransferService"/> in Kestrel on a unix socket with Grpc.AspNetCore and the
/// windows and message limits of <see cref="TransferLimits"/>, as a host agent maps it; and a
/// channel to such a socket.
/// </summary>
public static class TransferServer
{
    /// <summary>Starts serving <paramref name="service"/> on <paramref name="socketPath"/> (a stale socket file is replaced); <paramref name="interceptor"/> sits in front when given.</summary>
    public static async Task<WebApplication> StartAsync(string socketPath, DiskTransferService service, Interceptor? interceptor = null)
    {
        File.Delete(socketPath);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.Http2.InitialStreamWindowSize = TransferLimits.StreamWindowBytes;
            kestrel.Limits.Http2.InitialConnectionWindowSize = TransferLimits.ConnectionWindowBytes;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.ListenUnixSocket(socketPath, listen => listen.Protocols = HttpProtocols.Http2);
        });
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
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }

    /// <summary>A channel with <see cref="TransferChannelOptions"/> to the service on <paramref name="socketPath"/>.</summary>
    public static GrpcChannel CreateChannel(string socketPath) =>
        TransferChannelOptions.CreateChannel(new Uri("http://transfer"), new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });
}
