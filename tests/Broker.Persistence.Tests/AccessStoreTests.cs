using Broker.Core;
using Broker.Core.Access;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Persistence.Tests;

public sealed class AccessStoreTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task EnrollmentToken_IsConsumedOnceAndNeverAfterItsExpiry(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IEnrollmentTokenStore>();
        var token = new EnrollmentToken(Guid.NewGuid(), HostId.New(), Hash(1), "admin-id", Now, Now.AddHours(1));
        var expiring = token with { Id = Guid.NewGuid() };
        (await store.AddAsync(token, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.AddAsync(expiring, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.AddAsync(token, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Conflict);

        (await store.FindAsync(token.Id, cancellationToken)).ShouldBe(token, new TokenComparer());
        (await store.TryConsumeAsync(token.Id, Now.AddMinutes(5), cancellationToken)).ShouldBeTrue();
        (await store.TryConsumeAsync(token.Id, Now.AddMinutes(6), cancellationToken)).ShouldBeFalse();
        (await store.TryConsumeAsync(expiring.Id, Now.AddHours(1), cancellationToken)).ShouldBeFalse();
        (await store.TryConsumeAsync(Guid.NewGuid(), Now, cancellationToken)).ShouldBeFalse();
        (await store.FindAsync(token.Id, cancellationToken))!.UsedAt.ShouldBe(Now.AddMinutes(5));
        (await store.FindAsync(expiring.Id, cancellationToken))!.UsedAt.ShouldBeNull();
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AccessTokens_ListPerOwnerNewestFirst_AndOnlyTheOwnerRevokes(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IAccessTokenStore>();
        var alice = new UserId("alice-id");
        var older = new PersonalAccessToken(Guid.NewGuid(), alice, "laptop", TokenScopes.Read | TokenScopes.Write, Hash(2), Now, Now.AddDays(30));
        var newer = older with { Id = Guid.NewGuid(), Name = "ci", Scopes = TokenScopes.Read, CreatedAt = Now.AddMinutes(1), SecretHash = Hash(3) };
        var bobs = older with { Id = Guid.NewGuid(), Owner = new UserId("bob-id"), SecretHash = Hash(4) };
        foreach (var token in new[] { older, newer, bobs })
        {
            (await store.AddAsync(token, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        }

        (await store.ListByOwnerAsync(alice, cancellationToken)).Select(token => token.Id).ShouldBe([newer.Id, older.Id]);
        (await store.RevokeAsync(older.Id, new UserId("bob-id"), Now, cancellationToken)).ShouldBe(WriteOutcome.NotFound);
        (await store.RevokeAsync(older.Id, alice, Now.AddHours(1), cancellationToken)).ShouldBe(WriteOutcome.Saved);
        (await store.RevokeAsync(older.Id, alice, Now.AddHours(2), cancellationToken)).ShouldBe(WriteOutcome.NotFound);
        var revoked = (await store.FindAsync(older.Id, cancellationToken))!;
        revoked.RevokedAt.ShouldBe(Now.AddHours(1));
        revoked.Scopes.ShouldBe(TokenScopes.Read | TokenScopes.Write);
        revoked.SecretHash.ShouldBe(Hash(2));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AgentCredentials_ReadBackAndRevokeOnce(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await MigratedAsync(provider, cancellationToken);
        await using var scope = harness.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IAgentCredentialStore>();
        var host = new AgentCredential(Guid.NewGuid(), AgentKind.Host, Guid.NewGuid(), Hash(5), Now);
        var device = new AgentCredential(Guid.NewGuid(), AgentKind.Device, Guid.NewGuid(), Hash(6), Now.AddMinutes(1));
        (await store.AddAsync(host, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await store.AddAsync(device, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);

        (await store.ListAsync(cancellationToken)).Select(credential => (credential.Id, credential.Kind, credential.Subject))
            .ShouldBe([(device.Id, AgentKind.Device, device.Subject), (host.Id, AgentKind.Host, host.Subject)]);
        (await store.RevokeAsync(host.Id, Now.AddDays(1), cancellationToken)).ShouldBe(WriteOutcome.Saved);
        (await store.RevokeAsync(host.Id, Now.AddDays(2), cancellationToken)).ShouldBe(WriteOutcome.NotFound);
        var revoked = (await store.FindAsync(host.Id, cancellationToken))!;
        revoked.IsActive.ShouldBeFalse();
        revoked.RevokedAt.ShouldBe(Now.AddDays(1));
        (await store.FindAsync(device.Id, cancellationToken))!.IsActive.ShouldBeTrue();
    }

    private static byte[] Hash(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    private async Task<PersistenceHarness> MigratedAsync(DatabaseProvider provider, CancellationToken cancellationToken)
    {
        var harness = await PersistenceHarness.CreateAsync(provider, cluster, cancellationToken);
        await harness.Services.MigrateBrokerDatabaseAsync(cancellationToken);
        return harness;
    }

    /// <summary>Records holding byte arrays compare arrays by reference; this compares every field by value.</summary>
    private sealed class TokenComparer : IEqualityComparer<EnrollmentToken?>
    {
        public bool Equals(EnrollmentToken? x, EnrollmentToken? y) =>
            x is not null && y is not null && x.SecretHash.SequenceEqual(y.SecretHash) && x == y with { SecretHash = x.SecretHash };

        public int GetHashCode(EnrollmentToken? obj) => obj?.Id.GetHashCode() ?? 0;
    }
}
