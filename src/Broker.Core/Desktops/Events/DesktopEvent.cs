namespace Broker.Core.Desktops.Events;

/// <summary>
/// Something that happened to a desktop or that someone asks of it: a user or admin request, or an
/// agent's report. Every event names the <see cref="Desktops.Epoch"/> it is about; one from another
/// epoch is rejected before anything else is considered.
/// </summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
public abstract record DesktopEvent(Epoch Epoch)
{
    /// <summary>The event's kind, one per concrete type (for tables, audit and logs).</summary>
    public abstract DesktopEventKind Kind { get; }
}
