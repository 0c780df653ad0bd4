using Broker.Core.Desktops.Events;

namespace Broker.Core.Desktops;

/// <summary>The event does not apply in the desktop's state (e.g. a check-in of a desktop that is not checked out).</summary>
/// <param name="State">The desktop's state when the event arrived.</param>
/// <param name="Event">The refused event's kind.</param>
public sealed record IllegalTransition(DesktopState State, DesktopEventKind Event) : TransitionError(State, Event)
{
    /// <inheritdoc />
    public override string Message => $"{Event} does not apply to a desktop that is {State}.";
}
