using Broker.Core.Entitlements;

namespace Broker.Core.Access;

/// <summary>Where personal access tokens are kept.</summary>
public interface IAccessTokenStore
{
    /// <summary>The token, or <see langword="null"/> when none has that id.</summary>
    Task<PersonalAccessToken?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The tokens of <paramref name="owner"/>, revoked and expired ones included, newest first.</summary>
    Task<IReadOnlyList<PersonalAccessToken>> ListByOwnerAsync(UserId owner, CancellationToken cancellationToken);

    /// <summary>Adds a token; <see cref="WriteOutcome.Conflict"/> when the id exists.</summary>
    Task<WriteResult> AddAsync(PersonalAccessToken token, CancellationToken cancellationToken);

    /// <summary>Revokes <paramref name="owner"/>'s unrevoked token; <see cref="WriteOutcome.NotFound"/> when they have no such token.</summary>
    Task<WriteOutcome> RevokeAsync(Guid id, UserId owner, DateTimeOffset at, CancellationToken cancellationToken);
}
