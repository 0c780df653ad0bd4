using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Google.Protobuf;

namespace Broker.Transfer.Host;

/// <summary>A push under the desktop's current epoch: appended to the chain over its newest sealed layer.</summary>
internal sealed class ChainPushTarget(TransferDesktop desktop) : PushTarget(desktop)
{
    private LayerStore Store => Desktop.Layers;

    public override ulong Epoch => Desktop.Epoch;

    public override string StagingDirectory => Store.Directory;

    public override string StagingPathOf(string name) => Store.StagingPathOf(name);

    /// <summary>The chain's newest sealed layer (or its base): a push to the chain is a child of it.</summary>
    public override string? LikelyStagingParentPath => Store.AdoptionParentPath;

    public override PushResult NewResult(string layerId) => new() { LayerId = layerId, Epoch = Epoch };

    public override async Task<bool> HoldsAsync(long id, ByteString manifestHash, LayerManifestCache manifests, PushResult result, CancellationToken cancellationToken)
    {
        if (Store.Manifest.Find(id) is not { } existing)
        {
            return false;
        }

        if (!await SameLayerAsync(Store.PathOf(existing), manifestHash, manifests, cancellationToken).ConfigureAwait(false))
        {
            throw TransferErrors.Rejected(TransferRejection.LayerConflict, $"The chain holds another layer {id}.");
        }

        result.AlreadyPresent = true;
        return true;
    }

    public override void DescribeCommitted(long id, PushStatus status) => status.Committed = Store.Manifest.Find(id) is not null;

    public override string StagingParentPath(long id, long? parentId, string parentText)
    {
        var chain = Store.Manifest;
        return chain.Top.ParentId == parentId
            ? Store.AdoptionParentPath
            : throw TransferErrors.Rejected(TransferRejection.WrongParent, $"Layer {id} sits on '{parentText}', the chain's newest sealed layer is '{LayerIds.Format(chain.Top.ParentId)}'.");
    }

    public override void EnsureStillCurrent(TransferDesktop? current)
    {
        if (current?.Epoch != Epoch)
        {
            throw TransferErrors.Rejected(TransferRejection.StaleEpoch, $"Desktop {Desktop.DesktopId} left epoch {Epoch} while the layer was pushed (it is at {current?.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none here"}); nothing was committed.");
        }
    }

    public override Task CommitAsync(string stagedPath, PushHeader header, long id, long? parentId, CancellationToken cancellationToken) =>
        Store.AdoptSealedLayerAsync(stagedPath, id, parentId, header.CreatedAt.ToDateTimeOffset(), header.SealedAt.ToDateTimeOffset(), cancellationToken);
}
