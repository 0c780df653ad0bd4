using Broker.Core.Hosts;
using Broker.Core.Pools;

namespace Broker.Core.Desktops;

/// <summary>
/// Where desktops are kept. Updates use optimistic concurrency on <see cref="Desktop.Version"/>, so
/// of two concurrent check-outs of one desktop (also from two broker instances on one database)
/// exactly one is saved and the other gets <see cref="WriteOutcome.Conflict"/>.
/// </summary>
public interface IDesktopStore
{
    /// <summary>The desktop, or <see langword="null"/> when none has that id.</summary>
    Task<Desktop?> FindAsync(DesktopId id, CancellationToken cancellationToken);

    /// <summary>The desktops among <paramref name="ids"/> that exist, in no particular order.</summary>
    Task<IReadOnlyList<Desktop>> FindManyAsync(IReadOnlyCollection<DesktopId> ids, CancellationToken cancellationToken);

    /// <summary>The desktops of <paramref name="pool"/>, deleted ones included, ordered by name.</summary>
    Task<IReadOnlyList<Desktop>> ListByPoolAsync(PoolId pool, CancellationToken cancellationToken);

    /// <summary>The desktops placed on <paramref name="host"/>, deleted ones included (the host may still hold their files).</summary>
    Task<IReadOnlyList<Desktop>> ListByHostAsync(HostId host, CancellationToken cancellationToken);

    /// <summary>The desktops placed on any of <paramref name="hosts"/>, deleted ones included, in one query and no particular order.</summary>
    Task<IReadOnlyList<Desktop>> ListByHostsAsync(IReadOnlyCollection<HostId> hosts, CancellationToken cancellationToken);

    /// <summary>Adds a desktop; <see cref="WriteOutcome.Conflict"/> when the id or the name within the pool exists.</summary>
    Task<WriteResult> AddAsync(Desktop desktop, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored desktop if its version still equals <paramref name="desktop"/>'s
    /// <see cref="Desktop.Version"/> (the version the caller read); the saved version is then
    /// greater. Otherwise changes nothing and answers <see cref="WriteOutcome.Conflict"/>.
    /// </summary>
    Task<WriteResult> UpdateAsync(Desktop desktop, CancellationToken cancellationToken);
}
