using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests.Agents;

/// <summary>
/// The broker's desktop store with one concurrent writer: once <see cref="Race.Arm"/>ed, the next read
/// of a desktop in <see cref="Race.Target"/> is followed at once by another save of that desktop (from
/// its own scope, as another request would), so whoever read it meets a real optimistic-concurrency
/// conflict when saving.
/// </summary>
internal sealed class RacedDesktopStore(IDesktopStore inner, IServiceScopeFactory scopes, RacedDesktopStore.Race race) : IDesktopStore
{
    /// <summary>Replaces the registered <see cref="IDesktopStore"/> with one raced by <paramref name="race"/>.</summary>
    public static void Register(IServiceCollection services, Race race)
    {
        var registered = services.Last(service => service.ServiceType == typeof(IDesktopStore));
        var factory = registered.ImplementationFactory ?? throw new InvalidOperationException("The desktop store is registered by a factory.");
        _ = services.AddScoped<IDesktopStore>(provider => new RacedDesktopStore((IDesktopStore)factory(provider), provider.GetRequiredService<IServiceScopeFactory>(), race));
    }

    public async Task<Desktop?> FindAsync(DesktopId id, CancellationToken cancellationToken)
    {
        var found = await inner.FindAsync(id, cancellationToken);
        if (found?.State == race.Target && race.TryFire())
        {
            await using var other = scopes.CreateAsyncScope();
            (await other.ServiceProvider.GetRequiredService<IDesktopStore>().UpdateAsync(found, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        }

        return found;
    }

    public Task<WriteResult> UpdateAsync(Desktop desktop, CancellationToken cancellationToken) => inner.UpdateAsync(desktop, cancellationToken);

    public Task<IReadOnlyList<Desktop>> FindManyAsync(IReadOnlyCollection<DesktopId> ids, CancellationToken cancellationToken) => inner.FindManyAsync(ids, cancellationToken);

    public Task<IReadOnlyList<Desktop>> ListByPoolAsync(PoolId pool, CancellationToken cancellationToken) => inner.ListByPoolAsync(pool, cancellationToken);

    public Task<IReadOnlyList<Desktop>> ListByHostAsync(HostId host, CancellationToken cancellationToken) => inner.ListByHostAsync(host, cancellationToken);

    public Task<IReadOnlyList<Desktop>> ListByHostsAsync(IReadOnlyCollection<HostId> hosts, CancellationToken cancellationToken) => inner.ListByHostsAsync(hosts, cancellationToken);

    public Task<WriteResult> AddAsync(Desktop desktop, CancellationToken cancellationToken) => inner.AddAsync(desktop, cancellationToken);

    /// <summary>When the concurrent save happens: once, after <see cref="Race.Arm"/>.</summary>
    internal sealed class Race(DesktopState target)
    {
        private int _armed;

        public DesktopState Target { get; } = target;

        /// <summary>Whether the concurrent save happened.</summary>
        public bool Fired { get; private set; }

        public void Arm() => Volatile.Write(ref _armed, 1);

        public bool TryFire()
        {
            if (Interlocked.Exchange(ref _armed, 0) != 1)
            {
                return false;
            }

            Fired = true;
            return true;
        }
    }
}
