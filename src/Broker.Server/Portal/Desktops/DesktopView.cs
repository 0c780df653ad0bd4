using Broker.Core.Desktops;
using Broker.Core.Pools;

namespace Broker.Server.Portal.Desktops;

/// <summary>A desktop with the names of its pool and host, and what its pool allows, ready to show.</summary>
/// <param name="Desktop">The desktop.</param>
/// <param name="PoolName">Its pool's name.</param>
/// <param name="HostName">Its host's name.</param>
/// <param name="OfflineAllowed">Whether its pool allows check-out.</param>
internal sealed record DesktopView(Desktop Desktop, string PoolName, string HostName, bool OfflineAllowed)
{
    /// <summary>Views of <paramref name="desktops"/>, naming pools and hosts from the lists given (unknown ones as "unknown").</summary>
    public static IReadOnlyList<DesktopView> Of(IEnumerable<Desktop> desktops, IReadOnlyList<Pool> pools, IReadOnlyList<Broker.Core.Hosts.Host> hosts)
    {
        var poolsById = pools.ToDictionary(pool => pool.Id);
        var hostNames = hosts.ToDictionary(host => host.Id, host => host.Name);
        return [.. desktops.Select(desktop =>
        {
            var pool = poolsById.GetValueOrDefault(desktop.Pool);
            return new DesktopView(desktop, pool?.Name ?? "unknown", hostNames.GetValueOrDefault(desktop.Host, "unknown"), pool?.Offline.Allowed ?? false);
        })];
    }

    /// <summary>The state in plain words.</summary>
    public string StateText => PortalText.State(Desktop);

    /// <summary>True while the VM may be started, stopped or restarted on the server.</summary>
    public bool CanPower => Desktop.State == DesktopState.Available;

    /// <summary>True when the user may ask to check it out.</summary>
    public bool CanCheckOut => OfflineAllowed && Desktop.State == DesktopState.Available;

    /// <summary>True while a check-out may still be called off.</summary>
    public bool CanCancelCheckOut => Desktop.State is DesktopState.CheckOutRequested or DesktopState.Preparing or DesktopState.Transferring;

    /// <summary>True while a check-out or check-in is under way (the detail page polls for progress).</summary>
    public bool IsMoving => Desktop.State is DesktopState.CheckOutRequested or DesktopState.Preparing or DesktopState.Transferring
        or DesktopState.CheckInRequested or DesktopState.Uploading or DesktopState.Committing;

    /// <summary>True while an admin may take the desktop back from its device.</summary>
    public bool CanRevoke => Desktop.State is DesktopState.CheckedOut or DesktopState.CheckInRequested or DesktopState.Uploading;

    /// <summary>True while a device holds the desktop (check-in and sync apply).</summary>
    public bool IsCheckedOut => Desktop.State == DesktopState.CheckedOut;
}
