using Broker.Server.Api;

namespace Broker.Server;

/// <summary>Registers and maps everything broker-server serves. <c>Program.cs</c> only calls these.</summary>
internal static class ServerExtensions
{
    public static IServiceCollection AddBrokerServer(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    public static IEndpointRouteBuilder MapBrokerServerEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapVersionEndpoints();
        return endpoints;
    }
}
