using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Broker.Core;
using Broker.Core.Access;
using Broker.Core.Entitlements;
using Broker.Persistence;
using Broker.Server.Api.Tokens;
using Broker.Server.Security;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests.Tokens;

public sealed class AccessTokenTests(PostgresCluster cluster)
{
    private static readonly string[] ReadAdmin = ["read", "admin"];
    private static readonly string[] ReadWrite = ["read", "write"];

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ReadToken_ReadsButCannotWrite_AndWriteTokenCan(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(provider, cluster, cancellationToken);
        var read = await CreateAsync(world.Alice, ["read"], cancellationToken);
        var write = await CreateAsync(world.Alice, ["read", "write"], cancellationToken);

        using var listed = await SendAsync(world, HttpMethod.Get, "/api/v1/me/pools", read.Token!, cancellationToken);
        using var refused = await SendAsync(world, HttpMethod.Post, $"/api/v1/me/pools/{world.Pool.Id}/desktop", read.Token!, cancellationToken);
        using var assigned = await SendAsync(world, HttpMethod.Post, $"/api/v1/me/pools/{world.Pool.Id}/desktop", write.Token!, cancellationToken);

        listed.StatusCode.ShouldBe(HttpStatusCode.OK);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        assigned.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AdminEndpoints_NeedTheAdminScopeAndTheAdminRole()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var adminRead = await CreateAsync(world.Admin, ["read"], cancellationToken);
        var adminFull = await CreateAsync(world.Admin, ["read", "admin"], cancellationToken);
        using var aliceAdmin = await world.Alice.PostAsync(
            new Uri("/api/v1/me/tokens", UriKind.Relative), ApiWorld.JsonBody(new { name = "cli", scopes = ReadAdmin, validDays = 30 }), cancellationToken);

        using var withoutScope = await SendAsync(world, HttpMethod.Get, "/api/v1/admin/hosts", adminRead.Token!, cancellationToken);
        using var withScope = await SendAsync(world, HttpMethod.Get, "/api/v1/admin/hosts", adminFull.Token!, cancellationToken);
        using var escalate = await SendAsync(
            world, HttpMethod.Post, "/api/v1/me/tokens", adminRead.Token!, cancellationToken, new { name = "more", scopes = ReadWrite, validDays = 1 });

        aliceAdmin.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        withoutScope.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        withScope.StatusCode.ShouldBe(HttpStatusCode.OK);
        escalate.StatusCode.ShouldBe(HttpStatusCode.Forbidden); // a read token may not POST at all
    }

    [Fact]
    public async Task RevokedOrExpiredOrForgedToken_IsUnauthorized_AndOnlyTheHashIsStored()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var revoked = await CreateAsync(world.Alice, ["read"], cancellationToken);
        using (var revoke = await world.Alice.DeleteAsync(new Uri($"/api/v1/me/tokens/{revoked.Id}", UriKind.Relative), cancellationToken))
        {
            revoke.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        using (var again = await world.Bob.DeleteAsync(new Uri($"/api/v1/me/tokens/{revoked.Id}", UriKind.Relative), cancellationToken))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        var expired = BearerSecret.New(BearerSecret.AccessTokenPrefix);
        var past = TimeProvider.System.GetUtcNow().AddDays(-2);
        await using (var scope = world.Factory.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IAccessTokenStore>();
            (await store.AddAsync(new PersonalAccessToken(expired.Id, new UserId(world.AliceId), "old", TokenScopes.Read, expired.Hash, past, past.AddDays(1)), cancellationToken))
                .Outcome.ShouldBe(WriteOutcome.Saved);
            var stored = (await store.FindAsync(revoked.Id, cancellationToken))!;
            stored.SecretHash.Length.ShouldBe(32);
            var shown = revoked.Token.ShouldNotBeNull();
            var secretPart = shown[(BearerSecret.AccessTokenPrefix.Length + 33)..];
            stored.SecretHash.ShouldNotBe(Encoding.UTF8.GetBytes(shown));
            stored.SecretHash.ShouldBe(SHA256.HashData(Encoding.UTF8.GetBytes(secretPart)));
        }

        var live = await CreateAsync(world.Alice, ["read"], cancellationToken);
        var forged = live.Token![..^2] + "xx";

        foreach (var token in new[] { revoked.Token!, expired.Token, forged })
        {
            using var response = await SendAsync(world, HttpMethod.Get, "/api/v1/me/pools", token, cancellationToken);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, token[..12]);
        }

        var listed = await ApiWorld.ReadAsync<List<AccessTokenResponse>>(
            await world.Alice.GetAsync(new Uri("/api/v1/me/tokens", UriKind.Relative), cancellationToken), cancellationToken);
        listed.Select(token => token.Id).ShouldBe([live.Id, expired.Id, revoked.Id], ignoreOrder: true);
        listed.ShouldAllBe(token => token.Token == null);
    }

    private static async Task<AccessTokenResponse> CreateAsync(HttpClient client, string[] scopes, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync(
            new Uri("/api/v1/me/tokens", UriKind.Relative), ApiWorld.JsonBody(new { name = "cli", scopes, validDays = 30 }), cancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return await ApiWorld.ReadAsync<AccessTokenResponse>(response, cancellationToken);
    }

    private static async Task<HttpResponseMessage> SendAsync(
        ApiWorld world, HttpMethod method, string path, string token, CancellationToken cancellationToken, object? body = null)
    {
        using var client = world.Factory.CreateClient();
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : ApiWorld.JsonBody(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request, cancellationToken);
    }
}
