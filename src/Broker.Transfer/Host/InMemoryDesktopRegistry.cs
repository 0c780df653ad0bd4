using System.Collections.Concurrent;

namespace Broker.Transfer.Host;

/// <summary>A <see cref="IDesktopRegistry"/> kept in memory: set a desktop's state, read it back. Thread-safe.</summary>
public sealed class InMemoryDesktopRegistry : IDesktopRegistry
{
    private readonly ConcurrentDictionary<string, TransferDesktop> _desktops = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces a desktop.</summary>
    public void Set(TransferDesktop desktop)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        _desktops[desktop.DesktopId] = desktop;
    }

    /// <inheritdoc />
    public TransferDesktop? Find(string desktopId) => _desktops.GetValueOrDefault(desktopId);
}
