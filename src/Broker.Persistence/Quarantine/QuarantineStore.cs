using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Quarantine;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Quarantine;

internal sealed class QuarantineStore(BrokerDbContext context) : IQuarantineStore
{
    public async Task<WriteResult> RecordAsync(QuarantinedLayer layer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (await FindAsync(layer.Desktop, layer.Layer, cancellationToken).ConfigureAwait(false) is not null)
        {
            return WriteResult.Saved(StoreWrites.FirstVersion);
        }

        var added = await StoreWrites.AddAsync(context, QuarantinedLayerRow.From(layer), cancellationToken).ConfigureAwait(false);

        // A conflict here is the same report stored concurrently (or an unknown desktop, which the caller has ruled out).
        return added.Outcome == WriteOutcome.Conflict && await FindAsync(layer.Desktop, layer.Layer, cancellationToken).ConfigureAwait(false) is not null
            ? WriteResult.Saved(StoreWrites.FirstVersion)
            : added;
    }

    public async Task<QuarantinedLayer?> FindAsync(DesktopId desktop, LayerId layer, CancellationToken cancellationToken)
    {
        var row = await context.QuarantinedLayers.AsNoTracking()
            .SingleOrDefaultAsync(row => row.DesktopId == desktop && row.LayerId == layer, cancellationToken).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<QuarantinedLayer>> ListAsync(IReadOnlyCollection<DesktopId> desktops, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desktops);
        var wanted = desktops.ToList();
        var rows = await context.QuarantinedLayers.AsNoTracking()
            .Where(row => wanted.Contains(row.DesktopId))
            .OrderBy(row => row.ReceivedAt).ThenBy(row => row.LayerId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<IReadOnlyList<QuarantinedLayer>> ListAwaitingPromotionAsync(CancellationToken cancellationToken)
    {
        var rows = await context.QuarantinedLayers.AsNoTracking()
            .Where(row => row.PromotedAt == null && row.PromoteEpoch != null)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<WriteResult> UpdateAsync(QuarantinedLayer layer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        context.Update(QuarantinedLayerRow.From(layer));
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return WriteResult.Saved(StoreWrites.FirstVersion);
        }
        catch (DbUpdateConcurrencyException)
        {
            return WriteResult.NotFound;
        }
        finally
        {
            context.ChangeTracker.Clear();
        }
    }
}
