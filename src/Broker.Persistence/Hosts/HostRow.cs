using Broker.Core.Hosts;

namespace Broker.Persistence.Hosts;

/// <summary>A stored <see cref="Host"/>.</summary>
internal sealed class HostRow
{
    public HostId Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public int Capacity { get; set; }

    public HostHealth Health { get; set; }

    public bool Draining { get; set; }

    public DateTimeOffset? LastSeen { get; set; }

    public string? TransferAddress { get; set; }

    /// <summary>Concurrency token.</summary>
    public long Version { get; set; }

    public static HostRow From(Host host, long version) => new()
    {
        Id = host.Id,
        Name = host.Name,
        Capacity = host.Capacity,
        Health = host.Health,
        Draining = host.Draining,
        LastSeen = host.LastSeen,
        TransferAddress = host.TransferAddress,
        Version = version,
    };

    public Host ToDomain() => new()
    {
        Id = Id,
        Name = Name,
        Capacity = Capacity,
        Health = Health,
        Draining = Draining,
        LastSeen = LastSeen,
        TransferAddress = TransferAddress,
        Version = Version,
    };
}
