using Broker.Contracts.V1;
using Broker.Disks.Layers;

namespace Broker.Transfer.Client;

/// <summary>
/// How a local chain relates to the host's (resync): the longest run of sealed layers, oldest first,
/// that both hold with the same id and content; what the host has after it (to pull) and what only
/// the local chain has after it (to push, or a diverged branch when the host has moved on too).
/// </summary>
/// <param name="SameBase">Both chains sit on the same base image.</param>
/// <param name="LastCommonLayerId">The newest layer both hold; null when they share only the base.</param>
/// <param name="ToPull">The host's layers after the common one, oldest first.</param>
/// <param name="LocalOnly">The local sealed layers after the common one, oldest first.</param>
public sealed record ChainComparison(bool SameBase, long? LastCommonLayerId, IReadOnlyList<LayerInfo> ToPull, IReadOnlyList<LayerRecord> LocalOnly)
{
    /// <summary>Other bases, or both sides sealed layers the other lacks: the local ones are a diverged branch.</summary>
    public bool Diverged => !SameBase || (ToPull.Count > 0 && LocalOnly.Count > 0);

    /// <summary>Compares <paramref name="local"/>'s current chain with the host's <paramref name="host"/>.</summary>
    public static ChainComparison Compare(Disks.Layers.ChainManifest local, Contracts.V1.ChainManifest host)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(host);
        var mine = local.CurrentChain();
        var common = 0;
        var sameBase = string.Equals(local.BaseAddress, host.Base?.ContentAddress, StringComparison.Ordinal);
        if (sameBase)
        {
            while (common < mine.Count && common < host.Layers.Count && Same(mine[common], host.Layers[common]))
            {
                common++;
            }
        }

        return new ChainComparison(sameBase, common == 0 ? null : mine[common - 1].Id, [.. host.Layers.Skip(common)], [.. mine.Skip(common)]);
    }

    /// <summary>Same id, same parent and, when the host names it, the same content hash.</summary>
    private static bool Same(LayerRecord mine, LayerInfo theirs) =>
        string.Equals(LayerIds.Format(mine.Id), theirs.LayerId, StringComparison.Ordinal)
        && string.Equals(LayerIds.Format(mine.ParentId), theirs.ParentLayerId, StringComparison.Ordinal)
        && (theirs.ContentSha256.Length == 0 || string.Equals(mine.ContentSha256, theirs.ContentSha256, StringComparison.Ordinal));
}
