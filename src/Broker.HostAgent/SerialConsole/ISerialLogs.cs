namespace Broker.HostAgent.SerialConsole;

/// <summary>Where each desktop held on this host keeps its serial console log.</summary>
internal interface ISerialLogs
{
    /// <summary>The log's path (the file may not exist yet), or null when this host does not hold the desktop.</summary>
    string? SerialLogPath(string desktopId);
}
