namespace Broker.ClientAgent;

/// <summary>Settings of the client agent (configuration section <c>ClientAgent</c>).</summary>
internal sealed class ClientAgentOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "ClientAgent";

    /// <summary>Where state, base images, desktops and the local API socket live.</summary>
    public string DataDirectory { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "broker-client");

    /// <summary>The local API's unix socket; when empty <c>$XDG_RUNTIME_DIR/broker-client.sock</c>, or <c>agent.sock</c> in the data directory without a runtime directory.</summary>
    public string? SocketPath { get; set; }

    /// <summary>
    /// Transfer endpoints of host agents by host id (<c>unix:/path</c> or an http(s) URL), overriding
    /// the address the broker gives with START_PULL and tickets.
    /// </summary>
    public Dictionary<string, string> Hosts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often background sync seals and pushes each running desktop.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How far the clock may step back (e.g. an NTP correction) before it counts as a rollback.</summary>
    public TimeSpan ClockTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Status and log warn when the lease ends within this window.</summary>
    public TimeSpan LeaseWarning { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often running desktops' leases are checked; a lapsed one pauses its VM.</summary>
    public TimeSpan LeaseCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A QEMU display backend (<c>gtk</c>, <c>sdl</c>) for a graphical session; null serves VNC on a unix socket.</summary>
    public string? Display { get; set; }

    /// <summary>Guest memory.</summary>
    public int MemoryMiB { get; set; } = 2048;

    /// <summary>How long a graceful stop may take before the VM is forced off.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Push bandwidth limit in bytes per second; 0 for none.</summary>
    public long SyncBytesPerSecond { get; set; }

    /// <summary>The shortest wait before reconnecting to the broker (backoff with jitter from here).</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait before reconnecting to the broker.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The local API socket path in effect.</summary>
    public string EffectiveSocketPath => SocketPath switch
    {
        { Length: > 0 } path => path,
        _ when Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime => Path.Combine(runtime, "broker-client.sock"),
        _ => Path.Combine(DataDirectory, "agent.sock"),
    };
}
