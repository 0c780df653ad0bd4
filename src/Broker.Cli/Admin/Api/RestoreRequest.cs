namespace Broker.Cli.Admin.Api;

/// <summary>Body of <c>POST /api/v1/admin/desktops/{id}/restore</c>.</summary>
internal sealed record RestoreRequest(Guid Snapshot);
