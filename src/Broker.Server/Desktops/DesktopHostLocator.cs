using Broker.Core.Desktops;
using Broker.Core.Hosts;

namespace Broker.Server.Desktops;

/// <summary>
/// Finds a desktop and the address of the host that holds it, for a broker-to-host call
/// (<see cref="HostConsoleReader"/>). An unknown or offline host, or one that has reported no
/// transfer address, is not called.
/// </summary>
internal sealed class DesktopHostLocator(IDesktopStore desktops, IHostStore hosts)
{
    /// <summary>Where to ask about desktop <paramref name="id"/>; <paramref name="what"/> names the call in the sentence for people ("its console").</summary>
    public async Task<DesktopHostLocation> LocateAsync(DesktopId id, string what, CancellationToken cancellationToken)
    {
        if (await desktops.FindAsync(id, cancellationToken) is not { } desktop)
        {
            return new DesktopHostLocation(null, null, null, $"There is no desktop {id}.");
        }

        var host = await hosts.FindAsync(desktop.Host, cancellationToken);
        if (host is null || host.Health == HostHealth.Offline || !Uri.TryCreate(host.TransferAddress, UriKind.Absolute, out var address))
        {
            var why = host is null ? "is unknown" : host.Health == HostHealth.Offline ? "is offline" : "has reported no transfer address";
            return new DesktopHostLocation(desktop, null, null, $"The desktop's host {desktop.Host} {why}; {what} cannot be read now.");
        }

        return new DesktopHostLocation(desktop, host, address, null);
    }
}
