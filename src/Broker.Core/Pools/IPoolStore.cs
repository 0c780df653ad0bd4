namespace Broker.Core.Pools;

/// <summary>Where pools are kept, with optimistic concurrency on <see cref="Pool.Version"/>.</summary>
public interface IPoolStore
{
    /// <summary>The pool, or <see langword="null"/> when none has that id.</summary>
    Task<Pool?> FindAsync(PoolId id, CancellationToken cancellationToken);

    /// <summary>Every pool, ordered by name.</summary>
    Task<IReadOnlyList<Pool>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds a pool; <see cref="WriteOutcome.Conflict"/> when the id or the name exists.</summary>
    Task<WriteResult> AddAsync(Pool pool, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored pool if its version still equals <paramref name="pool"/>'s
    /// <see cref="Pool.Version"/> (the version the caller read); otherwise changes nothing and
    /// answers <see cref="WriteOutcome.Conflict"/>.
    /// </summary>
    Task<WriteResult> UpdateAsync(Pool pool, CancellationToken cancellationToken);
}
