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
}
