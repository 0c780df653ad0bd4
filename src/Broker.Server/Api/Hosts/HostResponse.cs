using Broker.Core.Hosts;

namespace Broker.Server.Api.Hosts;

/// <summary>A host as the API shows it.</summary>
internal sealed record HostResponse(Guid Id, string Name, int Capacity, HostHealth Health, bool Draining, DateTimeOffset? LastSeen)
{
    public static HostResponse From(Broker.Core.Hosts.Host host) => new(host.Id.Value, host.Name, host.Capacity, host.Health, host.Draining, host.LastSeen);
}
