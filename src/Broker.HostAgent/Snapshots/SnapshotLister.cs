using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.HostAgent.Broker;
using Google.Protobuf.WellKnownTypes;

namespace Broker.HostAgent.Snapshots;

/// <summary>
/// A desktop's snapshots as its chain manifest records them (design §9): every sealed layer, named
/// as the broker names layers, with where it stands relative to the writable top.
/// </summary>
internal static class SnapshotLister
{
    /// <summary>Lists the sealed layers of <paramref name="layers"/>, oldest first.</summary>
    public static HostSnapshotList List(LayerStore layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var manifest = layers.Manifest;
        var current = manifest.CurrentChain().Select(layer => layer.Id).ToHashSet();
        var list = new HostSnapshotList
        {
            TopParentLayerId = WireId(manifest.Top.ParentId),
            ManifestEpoch = (ulong)manifest.Epoch,
        };
        foreach (var layer in manifest.Layers)
        {
            list.Snapshots.Add(new HostSnapshot
            {
                LayerId = WireLayerIds.ToWire(layer.Id),
                ParentLayerId = WireId(layer.ParentId),
                SealedAt = Timestamp.FromDateTimeOffset(layer.SealedAt ?? layer.CreatedAt),
                CreatedAt = Timestamp.FromDateTimeOffset(layer.CreatedAt),
                SizeBytes = FileSize(layers.PathOf(layer)),
                ContentSha256 = layer.ContentSha256 ?? string.Empty,
                IsTopParent = layer.Id == manifest.Top.ParentId,
                OnBranch = !current.Contains(layer.Id),
            });
        }

        return list;
    }

    /// <summary>A merge that committed after the manifest was read may have deleted the file: size 0 then.</summary>
    private static ulong FileSize(string path) => new FileInfo(path) is { Exists: true } file ? (ulong)file.Length : 0;

    private static string WireId(long? layerId) => layerId is { } id ? WireLayerIds.ToWire(id) : string.Empty;
}
