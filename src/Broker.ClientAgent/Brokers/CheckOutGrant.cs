namespace Broker.ClientAgent.Brokers;

/// <summary>The broker's answer to a check-out request: which desktop, under which epoch, from which host, until when offline.</summary>
internal sealed record CheckOutGrant(string DesktopId, string Name, ulong Epoch, string HostId, DateTimeOffset LeaseExpiresAt);
