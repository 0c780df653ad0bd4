namespace Broker.Cli.Admin.Api;

/// <summary>A pool (<c>/api/v1/admin/pools</c>); <c>Version</c> is what an edit must be based on; <c>Unplaced</c> is set after a create or edit.</summary>
internal sealed record PoolInfo(Guid Id, string Name, string Kind, Guid ImageId, int DesiredSize, OfflinePolicy Offline, long Version, int? Unplaced);
