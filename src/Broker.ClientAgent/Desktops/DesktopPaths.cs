namespace Broker.ClientAgent.Desktops;

/// <summary>Where one desktop's files live under the data directory (<c>desktops/&lt;id&gt;/</c>).</summary>
internal sealed record DesktopPaths(string Root)
{
    /// <summary>The paths of <paramref name="desktopId"/> under <paramref name="dataDirectory"/>.</summary>
    public static DesktopPaths Of(string dataDirectory, string desktopId) => new(Path.Combine(dataDirectory, "desktops", desktopId));

    /// <summary>The layer store.</summary>
    public string Chain => Path.Combine(Root, "chain");

    /// <summary>Sockets and logs of the running VM.</summary>
    public string Run => Path.Combine(Root, "run");

    /// <summary>The serial log, kept across boots.</summary>
    public string SerialLog => Path.Combine(Root, "serial.log");

    /// <summary>Our NBD server's socket.</summary>
    public string NbdSocket => Path.Combine(Run, "nbd.sock");

    /// <summary>QEMU's QMP socket.</summary>
    public string QmpSocket => Path.Combine(Run, "qmp.sock");

    /// <summary>QEMU's VNC socket when headless.</summary>
    public string VncSocket => Path.Combine(Run, "vnc.sock");

    /// <summary>QEMU's pid file.</summary>
    public string PidFile => Path.Combine(Run, "qemu.pid");
}
