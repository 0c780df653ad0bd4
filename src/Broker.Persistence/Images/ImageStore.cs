using Broker.Core;
using Broker.Core.Images;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Images;

internal sealed class ImageStore(BrokerDbContext context) : IImageStore
{
    public async Task<GoldImage?> FindAsync(ImageId id, CancellationToken cancellationToken)
    {
        var row = await context.Images.AsNoTracking().SingleOrDefaultAsync(image => image.Id == id, cancellationToken).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<GoldImage>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await context.Images.AsNoTracking()
            .OrderBy(image => image.Name).ThenBy(image => image.Version)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public Task<WriteResult> AddAsync(GoldImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        return StoreWrites.AddAsync(context, ImageRow.From(image), cancellationToken);
    }
}
