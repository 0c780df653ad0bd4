using Broker.Core.Hosts;

namespace Broker.Server.Api.Hosts;

/// <summary>A host as the API shows it; <paramref name="Version"/> is what a drain or undrain may name (<c>?version=</c>) to refuse a change made in between.</summary>
internal sealed record HostResponse(Guid Id, string Name, int Capacity, HostHealth Health, bool Draining, DateTimeOffset? LastSeen, long Version)
{
    public static HostResponse From(Broker.Core.Hosts.Host host) => new(host.Id.Value, host.Name, host.Capacity, host.Health, host.Draining, host.LastSeen, host.Version);
}
