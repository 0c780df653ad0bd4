using Broker.Core;
using Broker.Core.Audit;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Audit;

internal sealed class AuditLog(BrokerDbContext context) : IAuditLog
{
    /// <summary>Largest page a query returns, whatever it asks for.</summary>
    public const int MaxTake = 1000;

    public async Task AppendAsync(AuditEvent entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // The same id twice is the same entry (a retried append): the key refuses it and that is success.
        var result = await StoreWrites.AddAsync(context, AuditRow.From(entry), cancellationToken).ConfigureAwait(false);
        if (result.Outcome == WriteOutcome.Conflict
            && !await context.AuditEvents.AnyAsync(row => row.Id == entry.Id, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"The audit log refused entry {entry.Id}.");
        }
    }

    public async Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = context.AuditEvents.AsNoTracking();
        if (query.From is { } from)
        {
            rows = rows.Where(row => row.At >= from);
        }

        if (query.To is { } to)
        {
            rows = rows.Where(row => row.At < to);
        }

        if (query.Actor is { } actor)
        {
            rows = rows.Where(row => row.Actor == actor);
        }

        if (query.Target is { } target)
        {
            rows = rows.Where(row => row.Target == target);
        }

        if (query.Action is { } action)
        {
            rows = AuditQuery.IsFamily(action)
                ? rows.Where(row => row.Action.StartsWith(action))
                : rows.Where(row => row.Action == action);
        }

        var page = await rows
            .OrderByDescending(row => row.At).ThenByDescending(row => row.Id)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Clamp(query.Take, 0, MaxTake))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return page.ConvertAll(row => row.ToDomain());
    }
}
