using Broker.Core.Hosts;

namespace Broker.Core.Images;

/// <summary>
/// Port: the images uploaded to the broker, and how far each host got with each image, uploaded or
/// registered by address (<see cref="GoldImage"/> without an upload). The store does not check that
/// the image of a per-host state exists (an image registered by address has no upload row); callers do.
/// </summary>
public interface IImageImportStore
{
    /// <summary>Stores a new upload; <see cref="WriteOutcome.Conflict"/> when its id or its name and version are taken.</summary>
    Task<WriteResult> AddAsync(ImageImport import, CancellationToken cancellationToken);

    /// <summary>The upload <paramref name="id"/>, or null.</summary>
    Task<ImageImport?> FindAsync(ImageId id, CancellationToken cancellationToken);

    /// <summary>Every upload, by name and version.</summary>
    Task<IReadOnlyList<ImageImport>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The per-host states of image <paramref name="image"/> (uploaded or registered by address), oldest change first.</summary>
    Task<IReadOnlyList<ImageImportHost>> ListHostsAsync(ImageId image, CancellationToken cancellationToken);

    /// <summary>The per-host states of every image.</summary>
    Task<IReadOnlyList<ImageImportHost>> ListAllHostsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="host"/> was offered <paramref name="image"/> at <paramref name="at"/>,
    /// unless a state is stored for the pair already (an offer never overwrites a host's answer);
    /// true when this call stored it (false also when the host does not exist). The caller checks
    /// that the image exists.
    /// </summary>
    Task<bool> MarkOfferedAsync(ImageId image, HostId host, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a host's answer (<see cref="ImageHostImportState.Imported"/> or <see cref="ImageHostImportState.Failed"/>),
    /// replacing what was stored for the pair; a detail longer than <see cref="ImageImportHost.MaxDetailLength"/> is cut.
    /// <see cref="WriteOutcome.NotFound"/> when the host does not exist; the caller checks that the image does.
    /// </summary>
    Task<WriteResult> RecordAsync(ImageImportHost state, CancellationToken cancellationToken);

    /// <summary>Forgets every failed host of image <paramref name="image"/>, so each is offered it again; how many there were.</summary>
    Task<int> ClearFailedAsync(ImageId image, CancellationToken cancellationToken);
}
