using Broker.Core.Hosts;

namespace Broker.Core.Images;

/// <summary>Port: the images uploaded to the broker and how far each host got with each of them.</summary>
public interface IImageImportStore
{
    /// <summary>Stores a new upload; <see cref="WriteOutcome.Conflict"/> when its id or its name and version are taken.</summary>
    Task<WriteResult> AddAsync(ImageImport import, CancellationToken cancellationToken);

    /// <summary>The upload <paramref name="id"/>, or null.</summary>
    Task<ImageImport?> FindAsync(ImageId id, CancellationToken cancellationToken);

    /// <summary>Every upload, by name and version.</summary>
    Task<IReadOnlyList<ImageImport>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The per-host states of upload <paramref name="image"/>, oldest change first.</summary>
    Task<IReadOnlyList<ImageImportHost>> ListHostsAsync(ImageId image, CancellationToken cancellationToken);

    /// <summary>The per-host states of every upload.</summary>
    Task<IReadOnlyList<ImageImportHost>> ListAllHostsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="host"/> was offered <paramref name="image"/> at <paramref name="at"/>,
    /// unless a state is stored for the pair already (an offer never overwrites a host's answer);
    /// true when this call stored it.
    /// </summary>
    Task<bool> MarkOfferedAsync(ImageId image, HostId host, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a host's answer (<see cref="ImageHostImportState.Imported"/> or <see cref="ImageHostImportState.Failed"/>),
    /// replacing what was stored for the pair; a detail longer than <see cref="ImageImportHost.MaxDetailLength"/> is cut.
    /// <see cref="WriteOutcome.NotFound"/> when the upload or the host does not exist.
    /// </summary>
    Task<WriteResult> RecordAsync(ImageImportHost state, CancellationToken cancellationToken);

    /// <summary>Forgets every failed host of upload <paramref name="image"/>, so each is offered it again; how many there were.</summary>
    Task<int> ClearFailedAsync(ImageId image, CancellationToken cancellationToken);
}
