using Broker.Core.Pools;

namespace Broker.Server.Api.Pools;

/// <summary>
/// Body of <c>POST /api/v1/admin/pools</c> and <c>PUT /api/v1/admin/pools/{id}</c>. <c>Version</c>,
/// for an edit, is the version the admin read; a different stored version is a 409.
/// </summary>
internal sealed record PoolRequest(string? Name, PoolKind? Kind, Guid? ImageId, int? DesiredSize, OfflinePolicyBody? Offline, long? Version);
