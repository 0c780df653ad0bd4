namespace Broker.ClientAgent.State;

/// <summary>Everything the client agent keeps durable besides disk data (twin-copy store <c>agent-state</c>).</summary>
/// <param name="Enrollment">This device's enrollment; null before <c>brokerctl login</c>.</param>
/// <param name="Desktops">The desktops this device holds.</param>
/// <param name="LastSeen">The latest wall-clock time the agent has seen; only moves forward (clock rollback detection).</param>
/// <param name="Cancellations">Check-outs cancelled here that the broker has not been told of yet; null when none.</param>
internal sealed record AgentState(
    DeviceEnrollment? Enrollment,
    IReadOnlyList<LocalDesktopRecord> Desktops,
    DateTimeOffset LastSeen,
    IReadOnlyList<CheckOutCancellation>? Cancellations = null)
{
    /// <summary>The state of a fresh data directory.</summary>
    public static AgentState Empty { get; } = new(null, [], DateTimeOffset.MinValue);

    /// <summary>The desktop with this id or name, or null.</summary>
    public LocalDesktopRecord? Find(string idOrName) =>
        Desktops.FirstOrDefault(desktop => desktop.DesktopId == idOrName) ?? Desktops.FirstOrDefault(desktop => desktop.Name == idOrName);

    /// <summary>The desktop with exactly this id, or null.</summary>
    public LocalDesktopRecord? ById(string desktopId) => Desktops.FirstOrDefault(desktop => desktop.DesktopId == desktopId);

    /// <summary>This state with <paramref name="desktop"/> added or replaced (by id).</summary>
    public AgentState With(LocalDesktopRecord desktop) =>
        this with { Desktops = [.. Desktops.Where(held => held.DesktopId != desktop.DesktopId), desktop] };

    /// <summary>The cancellations still to tell the broker.</summary>
    public IReadOnlyList<CheckOutCancellation> UntoldCancellations => Cancellations ?? [];

    /// <summary>This state with <paramref name="cancellation"/> queued for the broker.</summary>
    public AgentState With(CheckOutCancellation cancellation) =>
        this with { Cancellations = [.. UntoldCancellations.Where(held => held.DesktopId != cancellation.DesktopId), cancellation] };

    /// <summary>This state without <paramref name="cancellation"/> (the broker has been told, or refused it for good).</summary>
    public AgentState Without(CheckOutCancellation cancellation) =>
        this with { Cancellations = [.. UntoldCancellations.Where(held => held != cancellation)] };

    /// <summary>This state without desktop <paramref name="desktopId"/>.</summary>
    public AgentState Without(string desktopId) =>
        this with { Desktops = [.. Desktops.Where(held => held.DesktopId != desktopId)] };
}
