namespace Broker.Core.Reconciliation;

/// <summary>Timing and limits of <see cref="Reconciler"/>.</summary>
public sealed record ReconcileOptions
{
    /// <summary>The defaults: 30 s host heartbeat, 5 min device heartbeat (the offline policy default), offline after 3 missed, 20 transfers per host.</summary>
    public static ReconcileOptions Default { get; } = new();

    /// <summary>How often host agents report.</summary>
    public TimeSpan HostHeartbeat { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often client agents report while they can reach the broker.</summary>
    public TimeSpan DeviceHeartbeat { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many heartbeats an agent may miss before it is marked offline.</summary>
    public int MissedHeartbeats { get; init; } = 3;

    /// <summary>How many check-outs one host serves at once (design §6); more wait in <see cref="Desktops.DesktopState.CheckOutRequested"/>.</summary>
    public int MaxConcurrentTransfersPerHost { get; init; } = 20;
}
