using System.ComponentModel.DataAnnotations;

namespace Broker.Server.Agents;

/// <summary>Timing of the agent protocol (section <c>Agents</c>). Validated at start.</summary>
internal sealed class AgentOptions
{
    public const string SectionName = "Agents";

    /// <summary>How often host agents send a heartbeat (told to them in <c>Welcome</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan HostHeartbeat { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often client agents send a heartbeat while they reach the broker.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DeviceHeartbeat { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest pause between two reconcile rounds; a report or a desktop change starts one earlier.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The shortest pause after a reconcile round before an early wake starts the next one, so that a
    /// stream of agent reports makes about one round a second rather than rounds back to back. A
    /// shorter <see cref="ReconcileInterval"/> wins.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ReconcileSpacing { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the last-seen times of agents that sent an unremarkable heartbeat are written, all
    /// in one batch (a heartbeat that changes health is written at once). A shorter
    /// <see cref="HostHeartbeat"/> wins, so the stored time never lags by more than one heartbeat
    /// plus the write; agents are marked offline only after several missed heartbeats.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan LastSeenFlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a transfer ticket is valid.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long the push ticket of a revoked device's late layer (headed for quarantine) is valid.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan LatePushTicketLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a host enrollment token is valid unless the admin asks for less.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan EnrollmentTokenLifetime { get; set; } = TimeSpan.FromHours(24);
}
