using Broker.Core;
using Broker.Core.Hosts;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests;

/// <summary>Hosts put straight into a test broker's store, as if enrolled and reporting.</summary>
internal static class TestHosts
{
    /// <summary>
    /// Adds a healthy host named <paramref name="name"/> with <paramref name="capacity"/> desktop
    /// slots, last seen at <paramref name="lastSeen"/> (never, when null); returns its id.
    /// </summary>
    public static async Task<HostId> AddHealthyAsync(IServiceProvider services, string name, int capacity, DateTimeOffset? lastSeen, CancellationToken cancellationToken)
    {
        var host = Host.Create(HostId.New(), new HostDraft(name, capacity)).Value! with { Health = HostHealth.Healthy, LastSeen = lastSeen };
        await using var scope = services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<IHostStore>().AddAsync(host, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        return host.Id;
    }
}
