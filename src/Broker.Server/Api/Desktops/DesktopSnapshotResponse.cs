using Broker.Server.Desktops;

namespace Broker.Server.Api.Desktops;

/// <summary>A snapshot of a desktop (a sealed layer its host keeps); <see cref="LayerId"/> is what a restore names.</summary>
internal sealed record DesktopSnapshotResponse(
    Guid LayerId,
    Guid? ParentLayerId,
    DateTimeOffset SealedAt,
    DateTimeOffset CreatedAt,
    long SizeBytes,
    string ContentSha256,
    bool IsTopParent,
    bool OnBranch)
{
    public static DesktopSnapshotResponse From(DesktopSnapshot snapshot) => new(
        snapshot.Layer.Value,
        snapshot.Parent?.Value,
        snapshot.SealedAt,
        snapshot.CreatedAt,
        snapshot.SizeBytes,
        snapshot.ContentSha256,
        snapshot.IsTopParent,
        snapshot.OnBranch);
}
