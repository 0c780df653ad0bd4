namespace Broker.Server.Api.Desktops;

/// <summary>Body of <c>POST /api/v1/admin/desktops/{id}/restore</c>: the snapshot (layer id) to restore to.</summary>
internal sealed record DesktopRestoreRequest(Guid? Snapshot);
