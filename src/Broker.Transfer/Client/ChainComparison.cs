using Broker.Contracts.V1;
using Broker.Disks.Layers;

namespace Broker.Transfer.Client;

/// <summary>
/// How a local chain relates to the host's (resync): the longest run of sealed layers, oldest first,
/// that both hold with the same id and content; what the host has after it (to pull) and what only
/// the local chain has after it (to push, or a diverged branch when the host has moved on too).
/// A local layer made by merging layers the host acknowledged stands for those host layers (see
/// <see cref="Compare"/>): a chain kept short by local merges has not diverged.
/// </summary>
/// <param name="SameBase">Both chains sit on the same base image.</param>
/// <param name="LastCommonLayerId">The newest local layer both hold (or that stands for host layers); null when they share only the base.</param>
/// <param name="ToPull">The host's layers after the common one, oldest first.</param>
/// <param name="LocalOnly">The local sealed layers after the common one, oldest first.</param>
public sealed record ChainComparison(bool SameBase, long? LastCommonLayerId, IReadOnlyList<LayerInfo> ToPull, IReadOnlyList<LayerRecord> LocalOnly)
{
    /// <summary>Other bases, or both sides sealed layers the other lacks: the local ones are a diverged branch.</summary>
    public bool Diverged => !SameBase || (ToPull.Count > 0 && LocalOnly.Count > 0);

    /// <summary>
    /// Compares <paramref name="local"/>'s current chain with the host's <paramref name="host"/>.
    /// <paramref name="merged"/> names, for each local layer a local merge made, the host's layer
    /// ids it stands for, oldest first: such a layer matches exactly that run of host layers, and the
    /// local layer above it matches a host layer whose parent is the last of them (a merge gives the
    /// merged layer a new id and rebuilds the layers above it over that id; their own content stays).
    /// </summary>
    public static ChainComparison Compare(Disks.Layers.ChainManifest local, Contracts.V1.ChainManifest host, IReadOnlyDictionary<long, IReadOnlyList<long>>? merged = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(host);
        var mine = local.CurrentChain();
        var sameBase = string.Equals(local.BaseAddress, host.Base?.ContentAddress, StringComparison.Ordinal);
        var common = 0;
        var hostCommon = 0;
        long? hostParent = null;
        while (sameBase && common < mine.Count && hostCommon < host.Layers.Count)
        {
            var layer = mine[common];
            var covered = merged?.GetValueOrDefault(layer.Id);
            var standsFor = covered ?? [layer.Id];
            var theirs = host.Layers.Skip(hostCommon).Take(standsFor.Count).ToList();
            if (standsFor.Count == 0
                || theirs.Count < standsFor.Count
                || !Chained(theirs, standsFor, hostParent)
                || (covered is null && !SameContent(layer, theirs[0])))
            {
                break;
            }

            hostParent = standsFor[^1];
            hostCommon += standsFor.Count;
            common++;
        }

        return new ChainComparison(sameBase, common == 0 ? null : mine[common - 1].Id, [.. host.Layers.Skip(hostCommon)], [.. mine.Skip(common)]);
    }

    /// <summary>Whether the host's <paramref name="theirs"/> are the layers <paramref name="ids"/> in order, the first over <paramref name="parent"/>.</summary>
    private static bool Chained(List<LayerInfo> theirs, IReadOnlyList<long> ids, long? parent)
    {
        for (var index = 0; index < ids.Count; index++)
        {
            if (!string.Equals(LayerIds.Format(ids[index]), theirs[index].LayerId, StringComparison.Ordinal)
                || !string.Equals(LayerIds.Format(index == 0 ? parent : ids[index - 1]), theirs[index].ParentLayerId, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The same content hash, when the host names one.</summary>
    private static bool SameContent(LayerRecord mine, LayerInfo theirs) =>
        theirs.ContentSha256.Length == 0 || string.Equals(mine.ContentSha256, theirs.ContentSha256, StringComparison.Ordinal);
}
