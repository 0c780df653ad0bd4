using Broker.Core.Desktops;

namespace Broker.Server.Desktops;

/// <summary>The latest transfer progress each device reported, per desktop, for the portal and the API to show.</summary>
internal interface IDesktopProgressBoard
{
    /// <summary>Keeps <paramref name="progress"/> as the latest of <paramref name="desktop"/>, replacing the one before.</summary>
    void Record(DesktopId desktop, DeviceTransferProgress progress);

    /// <summary>The latest progress of <paramref name="desktop"/>, or null when none was reported recently.</summary>
    DeviceTransferProgress? Latest(DesktopId desktop);
}
