using Broker.Core.Desktops;

namespace Broker.Server.Api.Desktops;

/// <summary>
/// A desktop as the API shows it; <see cref="Version"/> is the row version a later change was based
/// on. <see cref="Progress"/> is filled only by <c>GET /api/v1/me/desktops/{id}</c>.
/// </summary>
internal sealed record DesktopResponse(
    Guid Id,
    Guid PoolId,
    string Name,
    Guid HostId,
    Guid ImageId,
    string? Assignee,
    DesktopState State,
    long Epoch,
    bool ServerCopyLocked,
    Guid? DeviceId,
    DateTimeOffset? LeaseExpiresAt,
    bool TransferPaused,
    DateTimeOffset? LastSyncAt,
    long Version,
    TransferProgressResponse? Progress = null)
{
    public static DesktopResponse From(Desktop desktop) => new(
        desktop.Id.Value,
        desktop.Pool.Value,
        desktop.Name,
        desktop.Host.Value,
        desktop.Image.Value,
        desktop.Assignee?.Value,
        desktop.State,
        desktop.Epoch.Value,
        desktop.ServerCopyLocked,
        desktop.Device?.Value,
        desktop.Lease?.ExpiresAt,
        desktop.TransferPaused,
        desktop.LastSyncAt,
        desktop.Version);
}
