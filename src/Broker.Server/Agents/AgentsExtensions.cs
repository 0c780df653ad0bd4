using Broker.Contracts.Tickets;
using Broker.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Broker.Server.Agents;

/// <summary>
/// The agent area: the gRPC service for host and client agents, their credentials, the signing key
/// for tickets and leases, the open streams and the reconcile loop.
/// </summary>
internal static class AgentsExtensions
{
    public static IHostApplicationBuilder AddBrokerAgents(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddGrpc();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AgentAuthenticationHandler>(AgentAuthenticationHandler.SchemeName, null);

        services.AddSingleton(provider => SigningKey.LoadOrCreate(provider.GetRequiredService<IOptions<BrokerOptions>>().Value));
        services.AddSingleton(provider => new TicketSigner(provider.GetRequiredService<SigningKey>().TicketKey));
        services.AddSingleton<LeaseSigner>();
        services.AddSingleton<AgentSessions>();
        services.AddSingleton<AgentCommandRelay>();
        services.AddHostedService(provider => provider.GetRequiredService<AgentCommandRelay>());
        services.AddSingleton<AgentCommandDispatcher>();
        services.AddSingleton<ReconcileSignal>();
        services.AddHostedService<ReconcileLoop>();
        services.AddSingleton<LastSeenBuffer>();
        services.AddHostedService<LastSeenFlushLoop>();
        services.AddScoped<AgentEnrollment>();
        services.AddScoped<AgentPresence>();
        services.AddScoped<AgentDesktopReports>();
        services.AddScoped<QuarantineReports>();
        services.AddScoped<TransferTickets>();
        services.AddScoped<DeviceDesktopRequests>();
        services.AddScoped<DeviceCheckOutCancellations>();
        return builder;
    }

    public static IEndpointRouteBuilder MapBrokerAgents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<AgentGatewayService>();
        return endpoints;
    }
}
