namespace Broker.Cli.Admin.Api;

/// <summary>A host (<c>/api/v1/admin/hosts</c>).</summary>
internal sealed record HostInfo(Guid Id, string Name, int Capacity, string Health, bool Draining, DateTimeOffset? LastSeen, long Version = 0);
