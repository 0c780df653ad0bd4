using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Google.Protobuf;

namespace Broker.Transfer.Host;

/// <summary>
/// A revoked device's push under its revoked epoch: kept in the desktop's quarantine over any sealed
/// layer of the chain, which stays unchanged. A layer the chain already holds (the same one, acked
/// before the revoke) is answered as present.
/// </summary>
internal sealed class QuarantinePushTarget(TransferDesktop desktop, RevokedCheckOut revoked) : PushTarget(desktop)
{
    private LayerQuarantine Quarantine => revoked.Quarantine;

    public override ulong Epoch => revoked.Epoch;

    public override string StagingDirectory => Quarantine.Directory;

    public override string StagingPathOf(string name) => Quarantine.StagingPathOf(name);

    public override PushResult NewResult(string layerId) => new() { LayerId = layerId, Epoch = Epoch, Quarantined = true };

    public override async Task<bool> HoldsAsync(long id, ByteString manifestHash, LayerManifestCache manifests, PushResult result, CancellationToken cancellationToken)
    {
        if (Quarantine.Find(id) is { } quarantined)
        {
            if (!await SameLayerAsync(Quarantine.PathOf(quarantined), manifestHash, manifests, cancellationToken).ConfigureAwait(false))
            {
                throw TransferErrors.Rejected(TransferRejection.LayerConflict, $"The quarantine holds another layer {id}.");
            }

            result.AlreadyPresent = true;
            return true;
        }

        if (Desktop.Layers.Manifest.Find(id) is { } applied && await SameLayerAsync(Desktop.Layers.PathOf(applied), manifestHash, manifests, cancellationToken).ConfigureAwait(false))
        {
            result.AlreadyPresent = true;
            result.Quarantined = false;
            return true;
        }

        return false;
    }

    public override void DescribeCommitted(long id, PushStatus status) => status.Committed = status.Quarantined = Quarantine.Find(id) is not null;

    public override string StagingParentPath(long id, long? parentId, string parentText) =>
        Desktop.Layers.SealedPathOf(parentId)
            ?? throw TransferErrors.Rejected(TransferRejection.WrongParent, $"Layer {id} sits on '{parentText}', which is not a sealed layer of desktop {Desktop.DesktopId}'s chain.");

    /// <summary>Whatever happened to the desktop since, a late layer is kept: the quarantine never changes the chain.</summary>
    public override void EnsureStillCurrent(TransferDesktop? current)
    {
        if (current is null)
        {
            throw TransferErrors.Rejected(TransferRejection.StaleEpoch, $"Desktop {Desktop.DesktopId} is no longer on this host; nothing was committed.");
        }
    }

    public override Task CommitAsync(string stagedPath, PushHeader header, long id, long? parentId, CancellationToken cancellationToken) =>
        Quarantine.AddAsync(
            Desktop.Layers,
            stagedPath,
            new QuarantineArrival(id, parentId, header.CreatedAt.ToDateTimeOffset(), header.SealedAt.ToDateTimeOffset(), Epoch, revoked.DeviceId),
            cancellationToken);
}
