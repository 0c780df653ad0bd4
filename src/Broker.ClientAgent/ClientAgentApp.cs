using Broker.ClientAgent.Api;
using Broker.ClientAgent.Brokers;
using Broker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.ClientAgent;

/// <summary>
/// The composition of <c>broker-client run</c>: shared defaults (Serilog console and file), the
/// desktops, the device session with the broker, background sync and the local API over HTTP/2 on a unix socket only its user may open.
/// </summary>
internal static class ClientAgentApp
{
    /// <summary>Unix permissions of the local API socket: read and write for the agent's user only.</summary>
    private const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Builds the agent from <paramref name="args"/> (configuration section <c>ClientAgent</c>) talking to the broker by <paramref name="broker"/>.</summary>
    public static WebApplication Build(string[] args, IBrokerLink broker)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBrokerDefaults();
        var options = builder.Configuration.GetSection(ClientAgentOptions.Section).Get<ClientAgentOptions>() ?? new ClientAgentOptions();
        builder.Configuration[$"{BrokerOptions.SectionName}:{nameof(BrokerOptions.DataDirectory)}"] = options.DataDirectory;

        var services = builder.Services;
        services.AddOptions<ClientAgentOptions>().BindConfiguration(ClientAgentOptions.Section);
        services.AddSingleton(broker);
        services.AddSingleton<ReportOutbox>();
        services.AddSingleton<AgentDesktops>();
        services.AddHostedService(provider => provider.GetRequiredService<AgentDesktops>());
        services.AddHostedService<DeviceSession>();
        services.AddHostedService<BackgroundSync>();
        services.AddGrpc(grpc => grpc.Interceptors.Add<RefusalInterceptor>());

        var socket = options.EffectiveSocketPath;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socket, listen => listen.Protocols = HttpProtocols.Http2));

        var app = builder.Build();
        app.MapGrpcService<ClientAgentApiService>();
        PrepareSocket(app, socket);
        return app;
    }

    /// <summary>Removes a stale socket before Kestrel binds and restricts the new one to this user once it exists.</summary>
    private static void PrepareSocket(WebApplication app, string socket)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(socket))!);
        File.Delete(socket);
        app.Lifetime.ApplicationStarted.Register(() => RestrictToUser(socket));
    }

    private static void RestrictToUser(string socket)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(socket, SocketMode);
        }
    }
}
