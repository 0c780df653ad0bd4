namespace Broker.Cli.Admin.Api;

/// <summary>A snapshot of a desktop as its host lists it (<c>/api/v1/admin/desktops/{id}/snapshots</c>).</summary>
internal sealed record SnapshotInfo(
    Guid LayerId,
    Guid? ParentLayerId,
    DateTimeOffset SealedAt,
    DateTimeOffset CreatedAt,
    long SizeBytes,
    string ContentSha256,
    bool IsTopParent,
    bool OnBranch);
