using Broker.Core;
using Broker.Core.Access;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Access;

internal sealed class AgentCredentialStore(BrokerDbContext context) : IAgentCredentialStore
{
    public async Task<AgentCredential?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await context.AgentCredentials.AsNoTracking().SingleOrDefaultAsync(credential => credential.Id == id, cancellationToken).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<AgentCredential>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await context.AgentCredentials.AsNoTracking()
            .OrderByDescending(credential => credential.CreatedAt).ThenBy(credential => credential.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public Task<WriteResult> AddAsync(AgentCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return StoreWrites.AddAsync(context, AgentCredentialRow.From(credential), cancellationToken);
    }

    public async Task<WriteOutcome> RevokeAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changed = await context.AgentCredentials
            .Where(credential => credential.Id == id && credential.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(credential => credential.RevokedAt, at), cancellationToken)
            .ConfigureAwait(false);
        return changed == 1 ? WriteOutcome.Saved : WriteOutcome.NotFound;
    }
}
