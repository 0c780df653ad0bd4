using Broker.HostAgent.SerialConsole;

namespace Broker.HostAgent.Desktops;

internal sealed partial class DesktopManager : ISerialLogs
{
    /// <inheritdoc />
    public string? SerialLogPath(string desktopId) => _desktops.GetValueOrDefault(desktopId)?.Paths.SerialLog;
}
