using Broker.Core.Audit;

namespace Broker.Server.Administration;

/// <summary>Writing the audit entry of a change that was carried out.</summary>
internal static class AuditLogExtensions
{
    /// <summary>Appends a succeeded entry stamped now by <paramref name="time"/>.</summary>
    public static Task RecordAsync(this IAuditLog audit, TimeProvider time, string actor, string action, string target, string detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        return audit.AppendAsync(new AuditEvent(Guid.NewGuid(), time.GetUtcNow(), actor, action, target, true, detail), cancellationToken);
    }
}
