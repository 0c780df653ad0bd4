namespace Broker.HostAgent;

/// <summary>
/// The data directory's layout: <c>base/</c> (the content-addressed base images), <c>images</c> (which
/// broker image is which base), <c>layer-manifests/</c>, <c>desktops/&lt;id&gt;/</c> (one directory per desktop).
/// </summary>
internal sealed record HostAgentPaths(string DataDirectory)
{
    public string BaseImages => Path.Combine(DataDirectory, "base");

    /// <summary>Where image files downloaded from the broker land until they are imported.</summary>
    public string IncomingImages => Path.Combine(DataDirectory, "incoming-images");

    public string ImageCatalog => Path.Combine(DataDirectory, "images");

    /// <summary>The transfer service's saved layer manifests, so a restarted host need not hash its layers again.</summary>
    public string LayerManifests => Path.Combine(DataDirectory, "layer-manifests");

    public string Desktops => Path.Combine(DataDirectory, "desktops");

    public DesktopPaths Desktop(string desktopId) => new(Path.Combine(Desktops, desktopId));
}

/// <summary>
/// One desktop's directory: <c>layers/</c> (its <c>LayerStore</c>, which owns every file there; after a
/// reset <c>layers-&lt;n&gt;/</c>, as the record names it),
/// <c>quarantine/</c> (its <c>LayerQuarantine</c>: a revoked device's late layers),
/// <c>state</c> (the agent's twin-copy record), the serial console log, the NBD, QMP sockets and the QEMU pid file.
/// </summary>
internal sealed record DesktopPaths(string Directory)
{
    /// <summary>The chain's directory until a reset replaces it.</summary>
    public const string DefaultLayerDirectory = "layers";

    /// <summary>The chain directory named <paramref name="name"/> (see <see cref="Desktops.DesktopRecord.LayerDirectory"/>).</summary>
    public string Layers(string name) => Path.Combine(Directory, name);

    public string Quarantine => Path.Combine(Directory, "quarantine");

    public string State => Path.Combine(Directory, "state");

    public string SerialLog => Path.Combine(Directory, "serial.log");

    public string NbdSocket => Path.Combine(Directory, "nbd.sock");

    public string QmpSocket => Path.Combine(Directory, "qmp.sock");

    public string PidFile => Path.Combine(Directory, "qemu.pid");
}
