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
/// desktops, the device session with the broker, background sync and the local API over HTTP/2 on a unix socket only its user may open
/// (bound inside a private directory, restricted, then moved into place: never reachable by others on the way).
/// </summary>
internal static class ClientAgentApp
{
    /// <summary>Unix permissions of the local API socket: read and write for the agent's user only.</summary>
    private const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Unix permissions of the directory the socket is bound in: this user only.</summary>
    private const UnixFileMode BindingDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

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
        services.AddHostedService<LeaseEnforcer>();
        services.AddGrpc(grpc => grpc.Interceptors.Add<RefusalInterceptor>());

        var socket = Path.GetFullPath(options.EffectiveSocketPath);
        var binding = BindingPathOf(socket);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(binding, listen => listen.Protocols = HttpProtocols.Http2));

        var app = builder.Build();
        app.MapGrpcService<ClientAgentApiService>();
        PrepareSocket(app, socket, binding);
        return app;
    }

    /// <summary>Where Kestrel binds: inside a directory beside the socket that only this user may enter.</summary>
    private static string BindingPathOf(string socket) =>
        Path.Combine(Path.GetDirectoryName(socket)!, $".{Path.GetFileName(socket)}.{Environment.ProcessId}", "agent.sock");

    /// <summary>
    /// Removes a stale socket and makes the private binding directory (mode 0700 from its creation),
    /// so the socket Kestrel binds there is never reachable by others; once it is bound and
    /// restricted to this user (0600) it is renamed into place and the directory goes.
    /// </summary>
    private static void PrepareSocket(WebApplication app, string socket, string binding)
    {
        var directory = Path.GetDirectoryName(binding)!;
        Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
        File.Delete(socket);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, BindingDirectoryMode);
        }

        app.Lifetime.ApplicationStarted.Register(() => Publish(binding, socket));
    }

    private static void Publish(string binding, string socket)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(binding, SocketMode);
        }

        File.Move(binding, socket, overwrite: true);
        Directory.Delete(Path.GetDirectoryName(binding)!);
    }
}
