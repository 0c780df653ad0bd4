using Broker.Core;
using Broker.Core.Images;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Images;

internal sealed class ImageImportStore(BrokerDbContext context) : IImageImportStore
{
    public Task<WriteResult> AddAsync(ImageImport import, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(import);
        return StoreWrites.AddAsync(context, ImageImportRow.From(import), cancellationToken);
    }

    public async Task<ImageImport?> FindAsync(ImageId id, CancellationToken cancellationToken)
    {
        var row = await context.ImageImports.AsNoTracking().SingleOrDefaultAsync(import => import.Id == id, cancellationToken).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<ImageImport>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await context.ImageImports.AsNoTracking()
            .OrderBy(import => import.Name).ThenBy(import => import.Version)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<bool> SetStateAsync(ImageId id, ImageImportState state, string? reason, CancellationToken cancellationToken)
    {
        var kept = reason is { Length: > ImageImportRowConfiguration.MaxReasonLength } ? reason[..ImageImportRowConfiguration.MaxReasonLength] : reason;
        var changed = await context.ImageImports.Where(import => import.Id == id)
            .ExecuteUpdateAsync(set => set.SetProperty(import => import.State, state).SetProperty(import => import.Reason, kept), cancellationToken)
            .ConfigureAwait(false);
        return changed > 0;
    }
}
