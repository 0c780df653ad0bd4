using Broker.Core.Desktops;
using Broker.Persistence;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests.Portal;

/// <summary>Helpers on <see cref="ApiWorld"/> for portal tests: the desktops as stored, without going through a page.</summary>
internal static class PortalWorld
{
    public static Task<ApiWorld> CreateAsync(PostgresCluster cluster, CancellationToken cancellationToken) =>
        ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);

    /// <summary>The stored desktop <paramref name="id"/>.</summary>
    public static async Task<Desktop> DesktopAsync(this ApiWorld world, Guid id, CancellationToken cancellationToken)
    {
        await using var scope = world.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IDesktopStore>().FindAsync(new DesktopId(id), cancellationToken))!;
    }
}
