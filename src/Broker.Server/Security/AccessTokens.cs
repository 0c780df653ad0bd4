using Broker.Core.Access;

namespace Broker.Server.Security;

/// <summary>Checks personal access tokens: shape, stored hash, expiry and revocation.</summary>
internal sealed class AccessTokens(IAccessTokenStore store, TimeProvider time)
{
    /// <summary>The stored token <paramref name="token"/> names, if it is genuine and usable now; otherwise null.</summary>
    public async Task<PersonalAccessToken?> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (!BearerSecret.TryParse(token, BearerSecret.AccessTokenPrefix, out var secret))
        {
            return null;
        }

        var stored = await store.FindAsync(secret.Id, cancellationToken);
        return stored is not null && secret.Matches(stored.SecretHash) && stored.IsUsableAt(time.GetUtcNow()) ? stored : null;
    }
}
