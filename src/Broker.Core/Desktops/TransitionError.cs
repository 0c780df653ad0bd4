using Broker.Core.Desktops.Events;

namespace Broker.Core.Desktops;

/// <summary>Why <see cref="DesktopStateMachine"/> refused an event. The desktop is unchanged and no command was issued.</summary>
/// <param name="State">The desktop's state when the event arrived.</param>
/// <param name="Event">The refused event's kind.</param>
public abstract record TransitionError(DesktopState State, DesktopEventKind Event)
{
    /// <summary>A sentence for logs, audit and ProblemDetails.</summary>
    public abstract string Message { get; }
}
