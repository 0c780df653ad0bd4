using Broker.Server.Desktops;
using Broker.Server.Hosts;
using Broker.Server.Images;
using Broker.Server.Pools;
using Broker.Server.Users;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Broker.Server.Administration;

/// <summary>
/// The application services both entry points (REST API and portal) go through, so rules, audit
/// entries and transactions are the same whichever one a person uses.
/// </summary>
internal static class ApplicationServiceExtensions
{
    /// <summary>Registers the services once, whichever entry point asks first.</summary>
    public static IServiceCollection AddBrokerApplicationServices(this IServiceCollection services)
    {
        services.TryAddScoped<DesktopActions>();
        services.TryAddScoped<DesktopQuarantine>();
        services.TryAddScoped<DesktopConsoles>();
        services.TryAddScoped<DesktopSnapshots>();
        services.TryAddScoped<DesktopHostLocator>();
        services.TryAddSingleton<HostConsoleReader>();
        services.TryAddScoped<MyDesktops>();
        services.TryAddScoped<PoolProvisioner>();
        services.TryAddScoped<PoolAdministration>();
        services.TryAddScoped<ImageRegistry>();
        services.AddBrokerImageImports();
        services.TryAddScoped<HostAdministration>();
        services.TryAddScoped<UserAdministration>();
        services.TryAddScoped<GroupMembership>();
        services.TryAddSingleton<IDesktopProgressBoard, InMemoryDesktopProgressBoard>();
        return services;
    }
}
