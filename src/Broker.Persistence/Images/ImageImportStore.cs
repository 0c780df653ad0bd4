using Broker.Core;
using Broker.Core.Hosts;
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

    public async Task<IReadOnlyList<ImageImportHost>> ListHostsAsync(ImageId image, CancellationToken cancellationToken)
    {
        var rows = await context.ImageImportHosts.AsNoTracking()
            .Where(row => row.ImageId == image)
            .OrderBy(row => row.UpdatedAt).ThenBy(row => row.HostId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<IReadOnlyList<ImageImportHost>> ListAllHostsAsync(CancellationToken cancellationToken)
    {
        var rows = await context.ImageImportHosts.AsNoTracking()
            .OrderBy(row => row.UpdatedAt).ThenBy(row => row.HostId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<bool> MarkOfferedAsync(ImageId image, HostId host, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (await context.ImageImportHosts.AnyAsync(row => row.ImageId == image && row.HostId == host, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        // A conflict is a state stored meanwhile (which the offer must not replace), or a host that is gone.
        var row = new ImageImportHostRow { ImageId = image, HostId = host, State = ImageHostImportState.Offered, UpdatedAt = at };
        return (await StoreWrites.AddAsync(context, row, cancellationToken).ConfigureAwait(false)).Outcome == WriteOutcome.Saved;
    }

    public async Task<WriteResult> RecordAsync(ImageImportHost state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var row = ImageImportHostRow.From(state);
        if (await UpdateAsync(row, cancellationToken).ConfigureAwait(false))
        {
            return WriteResult.Saved(StoreWrites.FirstVersion);
        }

        var added = await StoreWrites.AddAsync(context, row, cancellationToken).ConfigureAwait(false);

        // A conflict is the pair stored concurrently (replace it, as the later answer) or an unknown host.
        return added.Outcome == WriteOutcome.Saved || await UpdateAsync(row, cancellationToken).ConfigureAwait(false)
            ? WriteResult.Saved(StoreWrites.FirstVersion)
            : WriteResult.NotFound;
    }

    public Task<int> ClearFailedAsync(ImageId image, CancellationToken cancellationToken) =>
        context.ImageImportHosts.Where(row => row.ImageId == image && row.State == ImageHostImportState.Failed).ExecuteDeleteAsync(cancellationToken);

    private async Task<bool> UpdateAsync(ImageImportHostRow row, CancellationToken cancellationToken)
    {
        var changed = await context.ImageImportHosts.Where(stored => stored.ImageId == row.ImageId && stored.HostId == row.HostId)
            .ExecuteUpdateAsync(
                set => set.SetProperty(stored => stored.State, row.State).SetProperty(stored => stored.Detail, row.Detail).SetProperty(stored => stored.UpdatedAt, row.UpdatedAt),
                cancellationToken)
            .ConfigureAwait(false);
        return changed > 0;
    }
}
