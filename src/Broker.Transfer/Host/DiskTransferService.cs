using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Broker.Transfer.Host;

/// <summary>
/// The host agent's <c>DiskTransfer</c> service (design §6). Every call first finds the desktop in
/// the <see cref="IDesktopRegistry"/> and verifies its ticket; nothing is read or written before.
/// A call naming no desktop is another host's image pull: its ticket must cover the base it names.
/// Pull and push calls count against <see cref="TransferHostOptions.MaxConcurrentTransfers"/>.
/// </summary>
public sealed partial class DiskTransferService : DiskTransfer.DiskTransferBase, IDisposable
{
    private const int ChunksPerManifestPart = 4096;

    private readonly IDesktopRegistry _registry;
    private readonly TicketGate _tickets;
    private readonly TransferHostOptions _options;
    private readonly IStorage _storage;
    private readonly LayerManifestCache _manifests;
    private readonly SemaphoreSlim _transfers;
    private readonly PushReceiver _pushes;

    /// <param name="registry">The host's desktops.</param>
    /// <param name="verifier">Verifies tickets with the broker's public keys; the caller owns it.</param>
    /// <param name="options">Host id and limits.</param>
    /// <param name="storage">Durable I/O; <see cref="FileStorage.Instance"/> when null.</param>
    /// <param name="timeProvider">Clock of the push checkpoints; <see cref="TimeProvider.System"/> when null.</param>
    public DiskTransferService(IDesktopRegistry registry, TicketVerifier verifier, TransferHostOptions options, IStorage? storage = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.HostId);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentTransfers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PushCheckpointBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.AbandonedPushAge, TimeSpan.Zero);
        _registry = registry;
        _tickets = new TicketGate(verifier, options.HostId);
        _options = options;
        _storage = storage ?? FileStorage.Instance;
        _manifests = new LayerManifestCache(_storage, options.ManifestCacheDirectory is { } cache ? new PersistedManifests(_storage, Path.GetFullPath(cache)) : null);
        _transfers = new SemaphoreSlim(options.MaxConcurrentTransfers, options.MaxConcurrentTransfers);
        _pushes = new PushReceiver(_storage, registry, _manifests, options, timeProvider ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public override async Task<ChainManifest> GetChainManifest(GetChainManifestRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var desktop = FindDesktop(request.DesktopId, context);
        _ = _tickets.CheckEither(context, desktop);
        var chain = desktop.Layers.Manifest;
        var result = new ChainManifest
        {
            DesktopId = desktop.DesktopId,
            Epoch = desktop.Epoch,
            Base = await DescribeBaseAsync(chain, context.CancellationToken).ConfigureAwait(false),
        };
        foreach (var layer in chain.CurrentChain())
        {
            var manifest = await _manifests.GetAsync(desktop.Layers.PathOf(layer), context.CancellationToken).ConfigureAwait(false);
            result.Layers.Add(new LayerInfo
            {
                LayerId = LayerIds.Format(layer.Id),
                ParentLayerId = LayerIds.Format(layer.ParentId),
                CreatedAt = Timestamp.FromDateTimeOffset(layer.CreatedAt),
                SealedAt = Timestamp.FromDateTimeOffset(layer.SealedAt!.Value),
                PresentBytes = (ulong)manifest.PresentBytes,
                ManifestHash = Google.Protobuf.ByteString.CopyFrom(manifest.Hash.Span),
                HashAlgorithm = (HashAlgorithm)manifest.Algorithm,
                ChunkCount = (ulong)manifest.Chunks.Count,
                ContentSha256 = layer.ContentSha256 ?? string.Empty,
            });
        }

        return result;
    }

    /// <inheritdoc />
    public override async Task GetLayerManifest(GetLayerManifestRequest request, IServerStreamWriter<LayerManifestPart> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var baseAddress = request.SourceCase == GetLayerManifestRequest.SourceOneofCase.BaseContentAddress ? request.BaseContentAddress : null;
        var layerId = request.SourceCase == GetLayerManifestRequest.SourceOneofCase.LayerId ? request.LayerId : null;
        string path;
        if (request.DesktopId.Length == 0)
        {
            _ = _tickets.CheckImage(context, baseAddress ?? throw ImageTicketOnly(null));
            path = FindImage(baseAddress);
        }
        else
        {
            var desktop = FindDesktop(request.DesktopId, context);
            _ = _tickets.Check(context, desktop, TransferDirection.Pull, layerId);
            path = ResolveSource(desktop, layerId, baseAddress);
        }

        var manifest = await ManifestOfSourceAsync(path, layerId is null, context.CancellationToken).ConfigureAwait(false);
        var geometry = await GeometryOfAsync(path, context.CancellationToken).ConfigureAwait(false);
        var part = new LayerManifestPart
        {
            Header = new LayerHeader
            {
                LayerId = layerId ?? string.Empty,
                VirtualSize = geometry.VirtualSize,
                LogicalSectorSize = geometry.LogicalSectorSize,
                PhysicalSectorSize = geometry.PhysicalSectorSize,
                HashAlgorithm = (HashAlgorithm)manifest.Algorithm,
                ChunkCount = (ulong)manifest.Chunks.Count,
                ManifestHash = Google.Protobuf.ByteString.CopyFrom(manifest.Hash.Span),
            },
        };
        foreach (var chunk in manifest.ToWire())
        {
            part.Chunks.Add(chunk);
            if (part.Chunks.Count == ChunksPerManifestPart)
            {
                await responseStream.WriteAsync(part, context.CancellationToken).ConfigureAwait(false);
                part = new LayerManifestPart();
            }
        }

        if (part.Header is not null || part.Chunks.Count > 0)
        {
            await responseStream.WriteAsync(part, context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override Task<PushStatus> GetPushStatus(GetPushStatusRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var desktop = FindDesktop(request.DesktopId, context);
        var target = _tickets.CheckPush(context, desktop, request.LayerId);
        if (!LayerIds.TryParse(request.LayerId, out var id))
        {
            throw TransferErrors.Invalid($"'{request.LayerId}' is not a layer id.");
        }

        return _pushes.GetStatusAsync(target, id, context.CancellationToken);
    }

    /// <summary>
    /// Removes the staging files of <paramref name="desktop"/>'s pushes that their client left and can
    /// no longer continue (see <see cref="TransferHostOptions.AbandonedPushAge"/>); a push under the
    /// desktop's live check-out epoch or its revoked epoch is kept. The host agent calls it at start
    /// for every desktop it holds (<paramref name="hostStarting"/>: the age does not count) and then
    /// now and then. Returns how many files were removed.
    /// </summary>
    public Task<int> RemoveAbandonedPushesAsync(TransferDesktop desktop, bool hostStarting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        return _pushes.RemoveAbandonedAsync(desktop, hostStarting, cancellationToken);
    }

    /// <summary>
    /// Forgets the manifests (in memory and in <see cref="TransferHostOptions.ManifestCacheDirectory"/>)
    /// of every file that is no longer a base, layer or quarantined layer of <paramref name="desktops"/>
    /// (all the desktops the host holds): layers merged or restored away, deleted desktops. The host
    /// agent calls it now and then. Returns how many kept manifest files were removed.
    /// </summary>
    public Task<int> PruneManifestsAsync(IEnumerable<TransferDesktop> desktops, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desktops);
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var desktop in desktops)
        {
            var chain = desktop.Layers.Manifest;
            _ = live.Add(chain.BasePath);
            live.UnionWith(chain.Layers.Select(desktop.Layers.PathOf));
            if (desktop.Revoked?.Quarantine is { } quarantine)
            {
                live.UnionWith(quarantine.Layers.Select(quarantine.PathOf));
            }
        }

        return _manifests.PruneAsync(live, cancellationToken);
    }

    /// <summary>Releases the transfer slots' semaphore.</summary>
    public void Dispose()
    {
        _transfers.Dispose();
        _pushes.Dispose();
    }

    private TransferDesktop FindDesktop(string desktopId, ServerCallContext context) =>
        _registry.Find(desktopId) ?? throw _tickets.Unknown(context, desktopId);

    /// <summary>The file of a base image this host holds, for an image pull; NOT_FOUND when it holds none.</summary>
    private string FindImage(string contentAddress) =>
        _registry.FindBase(contentAddress) ?? throw TransferErrors.NotFound($"This host holds no base image {contentAddress}.");

    /// <summary>The file of a sealed layer or of the desktop's base; NOT_FOUND for anything else (the writable top included).</summary>
    private static string ResolveSource(TransferDesktop desktop, string? layerId, string? baseAddress)
    {
        var chain = desktop.Layers.Manifest;
        if (baseAddress is not null)
        {
            return string.Equals(baseAddress, chain.BaseAddress, StringComparison.Ordinal)
                ? chain.BasePath
                : throw TransferErrors.NotFound($"Desktop {desktop.DesktopId} is not based on image {baseAddress}.");
        }

        return LayerIds.TryParse(layerId, out var id) && chain.Find(id) is { } layer
            ? desktop.Layers.PathOf(layer)
            : throw TransferErrors.NotFound($"Desktop {desktop.DesktopId} has no sealed layer '{layerId}'.");
    }

    /// <summary>The manifest of a resolved source; a base image's manifest leaves its all-zero chunks out.</summary>
    private Task<LayerManifest> ManifestOfSourceAsync(string path, bool isBase, CancellationToken cancellationToken) =>
        isBase ? _manifests.GetBaseAsync(path, cancellationToken) : _manifests.GetAsync(path, cancellationToken);

    private async Task<BaseImageInfo> DescribeBaseAsync(Disks.Layers.ChainManifest chain, CancellationToken cancellationToken)
    {
        var geometry = await GeometryOfAsync(chain.BasePath, cancellationToken).ConfigureAwait(false);
        return new BaseImageInfo
        {
            ContentAddress = chain.BaseAddress,
            VirtualSize = geometry.VirtualSize,
            LogicalSectorSize = geometry.LogicalSectorSize,
            PhysicalSectorSize = geometry.PhysicalSectorSize,
        };
    }

    private async Task<SourceGeometry> GeometryOfAsync(string path, CancellationToken cancellationToken)
    {
        var file = await VhdxFile.OpenAsync(_storage, path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            return new SourceGeometry((ulong)file.VirtualSize, (uint)file.LogicalSectorSize, (uint)file.PhysicalSectorSize);
        }
    }

    /// <summary>Takes a transfer slot or refuses with HOST_BUSY; dispose the result to give it back.</summary>
    private TransferSlot EnterTransfer() =>
        _transfers.Wait(0)
            ? new TransferSlot(_transfers)
            : throw TransferErrors.Rejected(TransferRejection.HostBusy, $"This host serves {_options.MaxConcurrentTransfers} transfers already.");

    /// <summary>A source file's disk geometry, as the wire carries it.</summary>
    private readonly record struct SourceGeometry(ulong VirtualSize, uint LogicalSectorSize, uint PhysicalSectorSize);

    private readonly struct TransferSlot(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
