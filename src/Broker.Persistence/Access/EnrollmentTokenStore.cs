using Broker.Core;
using Broker.Core.Access;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Access;

internal sealed class EnrollmentTokenStore(BrokerDbContext context) : IEnrollmentTokenStore
{
    public async Task<EnrollmentToken?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await context.EnrollmentTokens.AsNoTracking().SingleOrDefaultAsync(token => token.Id == id, cancellationToken).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public Task<WriteResult> AddAsync(EnrollmentToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return StoreWrites.AddAsync(context, EnrollmentTokenRow.From(token), cancellationToken);
    }

    public async Task<bool> TryConsumeAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // One conditional UPDATE: the database lets exactly one of two racing agents through.
        var changed = await context.EnrollmentTokens
            .Where(token => token.Id == id && token.UsedAt == null && token.ExpiresAt > at)
            .ExecuteUpdateAsync(set => set.SetProperty(token => token.UsedAt, at), cancellationToken)
            .ConfigureAwait(false);
        return changed == 1;
    }
}
