namespace Broker.Transfer.Host;

/// <summary>
/// The host agent's desktops as the transfer service sees them. The host agent implements it over
/// its reconciled state; <see cref="InMemoryDesktopRegistry"/> serves tests and tools.
/// </summary>
public interface IDesktopRegistry
{
    /// <summary>The desktop's current state, or null when this host does not hold it.</summary>
    TransferDesktop? Find(string desktopId);
}
