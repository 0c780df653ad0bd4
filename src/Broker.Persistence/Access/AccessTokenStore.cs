using Broker.Core;
using Broker.Core.Access;
using Broker.Core.Entitlements;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Access;

internal sealed class AccessTokenStore(BrokerDbContext context) : IAccessTokenStore
{
    public async Task<PersonalAccessToken?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await context.AccessTokens.AsNoTracking().SingleOrDefaultAsync(token => token.Id == id, cancellationToken).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<PersonalAccessToken>> ListByOwnerAsync(UserId owner, CancellationToken cancellationToken)
    {
        var rows = await context.AccessTokens.AsNoTracking()
            .Where(token => token.Owner == owner)
            .OrderByDescending(token => token.CreatedAt).ThenBy(token => token.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public Task<WriteResult> AddAsync(PersonalAccessToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return StoreWrites.AddAsync(context, AccessTokenRow.From(token), cancellationToken);
    }

    public async Task<WriteOutcome> RevokeAsync(Guid id, UserId owner, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changed = await context.AccessTokens
            .Where(token => token.Id == id && token.Owner == owner && token.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(token => token.RevokedAt, at), cancellationToken)
            .ConfigureAwait(false);
        return changed == 1 ? WriteOutcome.Saved : WriteOutcome.NotFound;
    }
}
