namespace Broker.Server.Desktops;

/// <summary>How a <see cref="DesktopConsoles"/> read ended.</summary>
internal enum DesktopConsoleOutcome
{
    /// <summary>The host answered with the log's bytes.</summary>
    Done,

    /// <summary>The broker has no such desktop, or its host holds none (not provisioned there yet).</summary>
    NotFound,

    /// <summary>The desktop's host is unknown, offline, has no transfer address, refused or did not answer in time.</summary>
    HostUnavailable,
}
