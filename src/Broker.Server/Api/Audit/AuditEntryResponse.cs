using Broker.Core.Audit;

namespace Broker.Server.Api.Audit;

/// <summary>An audit log entry as the API shows it.</summary>
internal sealed record AuditEntryResponse(Guid Id, DateTimeOffset At, string Actor, string Action, string Target, bool Succeeded, string Detail)
{
    public static AuditEntryResponse From(AuditEvent entry) =>
        new(entry.Id, entry.At, entry.Actor, entry.Action, entry.Target, entry.Succeeded, entry.Detail);
}
