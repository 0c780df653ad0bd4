using Broker.Core.Desktops.Events;

namespace Broker.Core.Desktops;

/// <summary>The event names an epoch the broker never issued: its sender is confused or lying, so it is not trusted.</summary>
/// <param name="State">The desktop's state when the event arrived.</param>
/// <param name="Event">The refused event's kind.</param>
/// <param name="Current">The desktop's epoch.</param>
/// <param name="Given">The epoch the event named.</param>
public sealed record UnknownEpoch(DesktopState State, DesktopEventKind Event, Epoch Current, Epoch Given)
    : TransitionError(State, Event)
{
    /// <inheritdoc />
    public override string Message => $"{Event} names epoch {Given}, which is newer than the desktop's epoch {Current}.";
}
