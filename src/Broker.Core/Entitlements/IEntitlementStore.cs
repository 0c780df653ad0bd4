using Broker.Core.Pools;

namespace Broker.Core.Entitlements;

/// <summary>Where entitlements are kept. An entitlement is a fact that exists or not, so there is no update.</summary>
public interface IEntitlementStore
{
    /// <summary>The entitlements of <paramref name="pool"/>.</summary>
    Task<IReadOnlyList<Entitlement>> ListForPoolAsync(PoolId pool, CancellationToken cancellationToken);

    /// <summary>The entitlements naming any of <paramref name="principals"/> (a user and their groups), across pools.</summary>
    Task<IReadOnlyList<Entitlement>> ListForPrincipalsAsync(IReadOnlyCollection<Principal> principals, CancellationToken cancellationToken);

    /// <summary>Adds an entitlement; <see cref="WriteOutcome.Conflict"/> when it exists, <see cref="WriteOutcome.NotFound"/> when the pool does not.</summary>
    Task<WriteResult> AddAsync(Entitlement entitlement, CancellationToken cancellationToken);

    /// <summary>Removes an entitlement; <see cref="WriteOutcome.NotFound"/> when it did not exist.</summary>
    Task<WriteResult> RemoveAsync(Entitlement entitlement, CancellationToken cancellationToken);
}
