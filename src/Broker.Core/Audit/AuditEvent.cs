using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;

namespace Broker.Core.Audit;

/// <summary>One entry of the audit log: who did what to which object, when, and how it ended. Entries are never changed.</summary>
/// <param name="Id">The entry's id.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who acted: a user id, <c>host:{id}</c>, <c>device:{id}</c> or <c>system</c>.</param>
/// <param name="Action">What was done, as a dotted name, e.g. <c>desktop.RevokeRequested</c> or <c>pool.created</c>.</param>
/// <param name="Target">The object acted on, as <c>{kind}:{id}</c>, e.g. <c>desktop:3f2a…</c>.</param>
/// <param name="Succeeded">Whether the action was carried out.</param>
/// <param name="Detail">What changed, or why it was refused.</param>
public sealed record AuditEvent(
    Guid Id,
    DateTimeOffset At,
    string Actor,
    string Action,
    string Target,
    bool Succeeded,
    string Detail)
{
    /// <summary>The entry for applying <paramref name="event"/> to <paramref name="before"/> with outcome <paramref name="result"/>.</summary>
    public static AuditEvent ForTransition(
        Guid id,
        DateTimeOffset at,
        string actor,
        Desktop before,
        DesktopEvent @event,
        TransitionResult result)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(result);
        var after = result.Desktop;
        var detail = result.Error is { } error
            ? error.Message
            : $"{before.State} → {after.State}, epoch {before.Epoch} → {after.Epoch}";
        return new AuditEvent(id, at, actor, $"desktop.{@event.Kind}", $"desktop:{before.Id}", result.IsAccepted, detail);
    }
}
