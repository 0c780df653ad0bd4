namespace Broker.Transfer.Bench;

/// <summary>
/// The bench's files under its work directory, and the one desktop the host serves. run.sh makes
/// the rsync daemon's modules point at <see cref="FlatDirectory"/> (<c>src</c>) and
/// <see cref="RsyncPushDirectory"/> (<c>push</c>).
/// </summary>
internal sealed class BenchLayout(string workDirectory)
{
    public const string DesktopId = "bench-desktop";
    public const string DeviceId = "bench-laptop";
    public const string HostId = "bench-host";
    public const ulong Epoch = 1;
    public const string ImageName = "disk.raw";

    /// <summary>A second desktop on the same base whose tiny layers warm a push child up (untimed).</summary>
    public const string WarmUpDesktopId = "bench-warm-up";

    public string Work { get; } = Path.GetFullPath(workDirectory);

    /// <summary>The flat sparse image the peers copy (rsync module <c>src</c>).</summary>
    public string FlatDirectory => Path.Combine(Work, "flat");

    public string FlatImage => Path.Combine(FlatDirectory, ImageName);

    /// <summary>The host's base store (named for the address definition, ADR 0008: a store of older addresses is not reused).</summary>
    public string HostImages => Path.Combine(Work, "host", "images-v2");

    public string HostDesktop => Path.Combine(Work, "host", "desktop");

    /// <summary>The host's chain of <see cref="WarmUpDesktopId"/>.</summary>
    public string HostWarmUpDesktop => Path.Combine(Work, "host", "warm-up");

    public string PublicKey => Path.Combine(Work, "host", "broker-public.pem");

    /// <summary>Where the peers' pulls land.</summary>
    public string PeerPullDirectory => Path.Combine(Work, "peer-pull");

    /// <summary>The client's flattened image that rsync pushes after each change.</summary>
    public string ClientFlatImage => Path.Combine(Work, "client-flat", ImageName);

    /// <summary>rsync's push target (module <c>push</c>): the image before the change.</summary>
    public string RsyncPushDirectory => Path.Combine(Work, "rsync-push");

    /// <summary>A client side (base store, work directory, layer directory) named <paramref name="name"/>.</summary>
    public string Client(string name) => Path.Combine(Work, "clients", name);
}

/// <summary>A client side's directories, as a client agent keeps them.</summary>
internal sealed class ClientLayout(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public string Images => Path.Combine(Directory, "images");

    public string Work => Path.Combine(Directory, "work");

    public string Desktop => Path.Combine(Directory, "desktop");

    /// <summary>The client's chain of <see cref="BenchLayout.WarmUpDesktopId"/>.</summary>
    public string WarmUpDesktop => Path.Combine(Directory, "warm-up");
}
