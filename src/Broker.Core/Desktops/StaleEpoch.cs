using Broker.Core.Desktops.Events;

namespace Broker.Core.Desktops;

/// <summary>
/// The event is about an older epoch: authority moved on since its sender looked (e.g. a late
/// push from a revoked device, or a request made on a page that was out of date).
/// </summary>
/// <param name="State">The desktop's state when the event arrived.</param>
/// <param name="Event">The refused event's kind.</param>
/// <param name="Current">The desktop's epoch.</param>
/// <param name="Given">The epoch the event named.</param>
public sealed record StaleEpoch(DesktopState State, DesktopEventKind Event, Epoch Current, Epoch Given)
    : TransitionError(State, Event)
{
    /// <inheritdoc />
    public override string Message => $"{Event} names epoch {Given}, but the desktop is at epoch {Current}.";
}
