namespace Broker.Server.Desktops;

/// <summary>How a call to a desktop's host through <see cref="DesktopSnapshots"/> ended.</summary>
internal enum HostCallOutcome
{
    /// <summary>The host answered (for a restore: the state machine had its say, see the action result).</summary>
    Done,

    /// <summary>The broker has no such desktop, its host holds none, or the host lists no such snapshot.</summary>
    NotFound,

    /// <summary>The desktop's host is unknown, offline, has no transfer address, refused or did not answer in time.</summary>
    HostUnavailable,
}
