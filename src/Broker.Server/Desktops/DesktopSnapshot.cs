using Broker.Contracts.V1;
using Broker.Core.Desktops;

namespace Broker.Server.Desktops;

/// <summary>One sealed layer of a desktop's chain as its host lists it: a point the desktop can be restored to.</summary>
/// <param name="Layer">The layer's id (what a restore names).</param>
/// <param name="Parent">The layer below, or null for the base image.</param>
/// <param name="SealedAt">The instant the snapshot shows.</param>
/// <param name="CreatedAt">When the layer started as the writable top.</param>
/// <param name="SizeBytes">The layer file's size on the host (its own changes only).</param>
/// <param name="ContentSha256">Lowercase hex SHA-256 of the layer's content.</param>
/// <param name="IsTopParent">The desktop runs on from this layer now.</param>
/// <param name="OnBranch">Not under the current top: kept by an earlier restore or promotion.</param>
internal sealed record DesktopSnapshot(
    LayerId Layer,
    LayerId? Parent,
    DateTimeOffset SealedAt,
    DateTimeOffset CreatedAt,
    long SizeBytes,
    string ContentSha256,
    bool IsTopParent,
    bool OnBranch)
{
    /// <summary>The host's entries with valid layer ids, oldest first; an entry a host garbled is left out.</summary>
    public static IReadOnlyList<DesktopSnapshot> From(HostSnapshotList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var snapshots = new List<DesktopSnapshot>(list.Snapshots.Count);
        foreach (var snapshot in list.Snapshots)
        {
            if (!Guid.TryParse(snapshot.LayerId, out var layer) || snapshot.SealedAt is null || snapshot.CreatedAt is null)
            {
                continue;
            }

            snapshots.Add(new DesktopSnapshot(
                new LayerId(layer),
                Guid.TryParse(snapshot.ParentLayerId, out var parent) ? new LayerId(parent) : null,
                snapshot.SealedAt.ToDateTimeOffset(),
                snapshot.CreatedAt.ToDateTimeOffset(),
                (long)Math.Min(snapshot.SizeBytes, long.MaxValue),
                snapshot.ContentSha256,
                snapshot.IsTopParent,
                snapshot.OnBranch));
        }

        return snapshots;
    }
}
