namespace Broker.Core.Audit;

/// <summary>The append-only audit log.</summary>
public interface IAuditLog
{
    /// <summary>Appends an entry. Ids are unique; appending the same id twice is a no-op.</summary>
    Task AppendAsync(AuditEvent entry, CancellationToken cancellationToken);

    /// <summary>The entries matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}
