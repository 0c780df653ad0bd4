namespace Broker.Cli.Admin.Api;

/// <summary>A desktop (<c>/api/v1/admin/desktops</c>).</summary>
internal sealed record DesktopInfo(
    Guid Id,
    Guid PoolId,
    string Name,
    Guid HostId,
    Guid ImageId,
    string? Assignee,
    string State,
    long Epoch,
    bool ServerCopyLocked,
    Guid? DeviceId,
    DateTimeOffset? LeaseExpiresAt,
    bool TransferPaused,
    DateTimeOffset? LastSyncAt,
    long Version);
