using System.Net;
using System.Security.Cryptography;
using Broker.Contracts.Tickets;
using Broker.HostAgent.Broker;
using Broker.HostAgent.Desktops;
using Broker.HostAgent.Enrollment;
using Broker.HostAgent.Images;
using Broker.HostAgent.SerialConsole;
using Broker.Hosting;
using Broker.Transfer;
using Broker.Transfer.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Broker.HostAgent;

/// <summary>
/// The composition of <c>broker-host run</c>: shared defaults, systemd integration, the desktops,
/// the broker connection, and Kestrel serving <c>DiskTransfer</c> and <c>HostConsole</c> over HTTP/2 with the transfer windows.
/// </summary>
internal static class HostAgentApp
{
    /// <summary>Builds the agent for an enrolled <paramref name="identity"/>; <paramref name="brokerHandler"/> replaces the network to the broker (tests).</summary>
    public static WebApplication Build(string[] args, HostIdentity identity, HttpMessageHandler? brokerHandler = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Host.UseSystemd();
        builder.AddBrokerDefaults();
        builder.AddHostAgent(identity, brokerHandler);

        var app = builder.Build();
        app.MapBrokerDefaultEndpoints();
        app.MapGrpcService<DiskTransferService>();
        app.MapGrpcService<HostConsoleService>();
        return app;
    }

    private static void AddHostAgent(this WebApplicationBuilder builder, HostIdentity identity, HttpMessageHandler? brokerHandler)
    {
        var services = builder.Services;
        services.AddOptions<HostAgentOptions>()
            .BindConfiguration(HostAgentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(identity);
        services.AddSingleton(new BrokerHandler(brokerHandler ?? BrokerChannels.PinnedHandler(identity.BrokerPin)));
        services.AddSingleton(provider => new HostAgentPaths(provider.GetRequiredService<IOptions<BrokerOptions>>().Value.FullDataDirectory));
        services.AddSingleton<DesktopManager>();
        services.AddSingleton<IDesktopRegistry>(provider => provider.GetRequiredService<DesktopManager>());
        services.AddHostedService<DesktopManagerLifetime>();
        services.AddHostedService<SnapshotScheduler>();
        services.AddSingleton<ImageFetcher>();
        services.AddSingleton<BrokerConnection>();
        services.AddHostedService(provider => provider.GetRequiredService<BrokerConnection>());

        services.AddSingleton(provider =>
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(identity.SigningPublicKeyPem);
            return new TicketVerifier([key], provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(provider => new TransferHostOptions
        {
            HostId = identity.AgentId,
            ManifestCacheDirectory = provider.GetRequiredService<HostAgentPaths>().LayerManifests,
        });
        services.AddSingleton<PushCommitWatcher>();
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = TransferLimits.MaxMessageBytes;
            grpc.MaxSendMessageSize = TransferLimits.MaxMessageBytes;
            grpc.Interceptors.Add<PushCommitWatcher>();
        });
        services.AddSingleton(provider => new DiskTransferService(
            provider.GetRequiredService<IDesktopRegistry>(),
            provider.GetRequiredService<TicketVerifier>(),
            provider.GetRequiredService<TransferHostOptions>()));
        services.AddHostedService<PushStagingSweeper>();
        services.AddSingleton(provider => new HostConsoleService(
            provider.GetRequiredService<DesktopManager>(),
            provider.GetRequiredService<IDesktopRegistry>(),
            provider.GetRequiredService<TicketVerifier>(),
            identity.AgentId));

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = context.Configuration.GetSection(HostAgentOptions.SectionName).Get<HostAgentOptions>() ?? new HostAgentOptions();
            kestrel.Limits.Http2.InitialStreamWindowSize = TransferLimits.StreamWindowBytes;
            kestrel.Limits.Http2.InitialConnectionWindowSize = TransferLimits.ConnectionWindowBytes;
            kestrel.Listen(options.TransferListenAny ? IPAddress.Any : IPAddress.Loopback, options.TransferPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
    }

    /// <summary>Adopts the desktops on disk before anything else starts, and shuts them down last.</summary>
    private sealed class DesktopManagerLifetime(DesktopManager desktops) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => desktops.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
