using Broker.Contracts.V1;
using Broker.Disks.Images;
using Broker.Disks.State;
using Broker.Disks.Transfer;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Client;

/// <summary>
/// Copies one base image by content address from another host into a <see cref="BaseImageStore"/>
/// (a gold image registered by address, fetched by a host that lacks it), under an image pull
/// ticket (<see cref="TransferClient.ForImage"/>). The base is staged, verified and adopted as a
/// check-out's base is (<see cref="ChainPuller"/>), with its progress durable in the twin-copy
/// store <c>image-pulls</c> of the work directory, so a pull that stops for any reason resumes
/// from its last checkpoint when run again.
/// </summary>
public sealed class BaseImagePuller
{
    private const string LedgerName = "image-pulls";

    private readonly BaseImageStore _bases;
    private readonly string _workDirectory;
    private readonly IStorage _storage;
    private readonly StagedFetch _fetch;

    /// <param name="client">Calls under an image pull ticket.</param>
    /// <param name="bases">Where the base goes; the caller owns it.</param>
    /// <param name="workDirectory">Pull progress and base staging.</param>
    /// <param name="options">Streams, checkpoints, limits.</param>
    /// <param name="storage">Durable I/O; <see cref="FileStorage.Instance"/> when null.</param>
    /// <param name="timeProvider">Clock for progress rates.</param>
    public BaseImagePuller(TransferClient client, BaseImageStore bases, string workDirectory, PullOptions? options = null, IStorage? storage = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(bases);
        ArgumentException.ThrowIfNullOrEmpty(workDirectory);
        _bases = bases;
        _workDirectory = Path.GetFullPath(workDirectory);
        _storage = storage ?? FileStorage.Instance;
        _fetch = new StagedFetch(client, options ?? new PullOptions(), _storage, timeProvider ?? TimeProvider.System);
    }

    /// <summary>
    /// The base <paramref name="contentAddress"/> (64 lowercase hex digits) with one reference taken
    /// for the caller: the one the store holds already, or pulled from the ticket's host.
    /// </summary>
    /// <exception cref="ChunkIntegrityException">Chunks kept failing verification.</exception>
    /// <exception cref="ChunkManifestException">The address is malformed, or the host's manifest or content gives another address or an impossible geometry.</exception>
    public async Task<BaseImage> PullAsync(string contentAddress, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contentAddress);
        if (!StagedFetch.IsContentAddress(contentAddress))
        {
            throw new ChunkManifestException($"'{contentAddress}' is not a content address.");
        }

        if (_bases.Find(contentAddress) is not null)
        {
            return await _bases.AddReferenceAsync(contentAddress, cancellationToken).ConfigureAwait(false);
        }

        _storage.CreateDirectory(_workDirectory);
        var (header, manifest) = await _fetch.Client.GetLayerManifestWithHeaderAsync(new GetLayerManifestRequest { BaseContentAddress = contentAddress }, null, cancellationToken).ConfigureAwait(false);
        if (header.LogicalSectorSize is not (512 or 4096) || header.PhysicalSectorSize is not (0 or 512 or 4096) || header.VirtualSize == 0)
        {
            throw new ChunkManifestException($"The host's base {contentAddress} has an impossible geometry: {header.VirtualSize} bytes, sectors {header.LogicalSectorSize}/{header.PhysicalSectorSize}.");
        }

        var info = new BaseImageInfo
        {
            ContentAddress = contentAddress,
            VirtualSize = header.VirtualSize,
            LogicalSectorSize = header.LogicalSectorSize,
            PhysicalSectorSize = header.PhysicalSectorSize,
        };
        var ledger = await TwinCopyStore.OpenJsonAsync(_storage, Path.Combine(_workDirectory, LedgerName), PullLedgerJsonContext.Default.PullLedger, cancellationToken).ConfigureAwait(false);
        await using (ledger.ConfigureAwait(false))
        {
            return await _fetch.PullBaseAsync(_bases, _workDirectory, info, manifest, ledger, progress, cancellationToken).ConfigureAwait(false);
        }
    }
}
