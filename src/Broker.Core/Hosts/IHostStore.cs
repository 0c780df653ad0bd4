namespace Broker.Core.Hosts;

/// <summary>Where hosts are kept, with optimistic concurrency on <see cref="Host.Version"/>.</summary>
public interface IHostStore
{
    /// <summary>The host, or <see langword="null"/> when none has that id.</summary>
    Task<Host?> FindAsync(HostId id, CancellationToken cancellationToken);

    /// <summary>Every host, ordered by name.</summary>
    Task<IReadOnlyList<Host>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds a host; <see cref="WriteOutcome.Conflict"/> when the id exists.</summary>
    Task<WriteResult> AddAsync(Host host, CancellationToken cancellationToken);

    /// <summary>Replaces the stored host if its version still equals <see cref="Host.Version"/>; otherwise <see cref="WriteOutcome.Conflict"/>.</summary>
    Task<WriteResult> UpdateAsync(Host host, CancellationToken cancellationToken);

    /// <summary>
    /// Moves each host's <see cref="Host.LastSeen"/> forward to the time given for it (never back),
    /// all in one transaction, without changing <see cref="Host.Version"/>: a heartbeat is not a
    /// change anyone must re-read for. Times may be stored rounded down to the second; unknown ids are skipped.
    /// </summary>
    Task RecordLastSeenAsync(IReadOnlyDictionary<HostId, DateTimeOffset> seen, CancellationToken cancellationToken);
}
