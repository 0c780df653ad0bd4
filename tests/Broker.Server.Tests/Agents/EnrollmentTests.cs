using System.Net;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Core;
using Broker.Core.Access;
using Broker.Persistence;
using Broker.Server.Agents;
using Broker.Server.Api.Agents;
using Broker.Server.Api.Me;
using Broker.Server.Security;
using Broker.Testing.Databases;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using WireAgentKind = Broker.Contracts.V1.AgentKind;

namespace Broker.Server.Tests.Agents;

public sealed class EnrollmentTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Enroll_WithAFreshToken_GivesTheHostACredentialAndTheSigningKey(DatabaseProvider provider)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(provider, cluster, cancellationToken);
        var token = await world.CreateEnrollmentTokenAsync("host-2", cancellationToken);

        var enrolled = await world.Gateway.EnrollAsync(HostRequest(token.Token), cancellationToken: cancellationToken);

        enrolled.AgentId.ShouldBe(token.HostId.ToString());
        enrolled.Credential.ShouldStartWith(BearerSecret.AgentPrefix);
        var keyFile = await File.ReadAllTextAsync(Path.Combine(world.Api.Site.DataDirectory, SigningKey.FileName), cancellationToken);
        using (var key = TicketKeys.ImportPrivateKeyPem(keyFile))
        {
            enrolled.SigningPublicKeyPem.ShouldBe(TicketKeys.ExportPublicKeyPem(key));
        }

        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(Path.Combine(world.Api.Site.DataDirectory, SigningKey.FileName)).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var (call, welcome) = await world.ConnectAsync(enrolled.Credential, cancellationToken);
        using (call)
        {
            welcome.AgentId.ShouldBe(token.HostId.ToString());
        }

        var hosts = await ApiWorld.ReadAsync<List<Server.Api.Hosts.HostResponse>>(
            await world.Api.Admin.GetAsync(new Uri("/api/v1/admin/hosts", UriKind.Relative), cancellationToken), cancellationToken);
        hosts.Single(host => host.Id == token.HostId).Name.ShouldBe("host-2");
    }

    [Fact]
    public async Task Enroll_WithAUsedToken_IsUnauthenticatedAndIssuesNoSecondCredential()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var token = await world.CreateEnrollmentTokenAsync("host-2", cancellationToken);
        await world.Gateway.EnrollAsync(HostRequest(token.Token), cancellationToken: cancellationToken);

        var again = await Should.ThrowAsync<RpcException>(() => world.Gateway.EnrollAsync(HostRequest(token.Token), cancellationToken: cancellationToken).ResponseAsync);

        again.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        var agents = await ApiWorld.ReadAsync<List<AgentResponse>>(
            await world.Api.Admin.GetAsync(new Uri("/api/v1/admin/agents", UriKind.Relative), cancellationToken), cancellationToken);
        agents.Count(agent => agent.Subject == token.HostId).ShouldBe(1);
    }

    [Fact]
    public async Task Enroll_WithAnExpiredToken_IsUnauthenticated()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var secret = BearerSecret.New(BearerSecret.EnrollmentPrefix);
        var host = await world.FirstHostAsync(cancellationToken);
        var past = TimeProvider.System.GetUtcNow().AddHours(-2);
        await using (var scope = world.Api.Factory.Services.CreateAsyncScope())
        {
            var saved = await scope.ServiceProvider.GetRequiredService<IEnrollmentTokenStore>().AddAsync(
                new EnrollmentToken(secret.Id, host, secret.Hash, "admin", past, past.AddHours(1)), cancellationToken);
            saved.Outcome.ShouldBe(WriteOutcome.Saved);
        }

        var refused = await Should.ThrowAsync<RpcException>(() => world.Gateway.EnrollAsync(HostRequest(secret.Token), cancellationToken: cancellationToken).ResponseAsync);

        refused.StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task Enroll_WithAForgedToken_IsUnauthenticatedAndLeavesTheRealTokenUsable()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var token = await world.CreateEnrollmentTokenAsync("host-2", cancellationToken);
        var last = token.Token[^1];
        var forged = token.Token[..^1] + (last == 'A' ? 'B' : 'A');

        var refused = await Should.ThrowAsync<RpcException>(() => world.Gateway.EnrollAsync(HostRequest(forged), cancellationToken: cancellationToken).ResponseAsync);
        var garbage = await Should.ThrowAsync<RpcException>(() => world.Gateway.EnrollAsync(HostRequest("not-a-token"), cancellationToken: cancellationToken).ResponseAsync);

        refused.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        garbage.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        (await world.Gateway.EnrollAsync(HostRequest(token.Token), cancellationToken: cancellationToken)).AgentId.ShouldBe(token.HostId.ToString());
    }

    [Fact]
    public async Task Enroll_ADeviceByUserLogin_CreatesADeviceOfThatUser()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);

        var enrolled = await world.Gateway.EnrollAsync(DeviceRequest("alice", ApiWorld.Password, "alice-desktop-pc"), cancellationToken: cancellationToken);
        var wrongPassword = await Should.ThrowAsync<RpcException>(
            () => world.Gateway.EnrollAsync(DeviceRequest("alice", "wrong-password-123", "x"), cancellationToken: cancellationToken).ResponseAsync);

        wrongPassword.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        var devices = await ApiWorld.ReadAsync<List<DeviceResponse>>(
            await world.Api.Alice.GetAsync(new Uri("/api/v1/me/devices", UriKind.Relative), cancellationToken), cancellationToken);
        devices.ShouldContain(device => device.Id.ToString() == enrolled.AgentId && device.Name == "alice-desktop-pc");
        var (call, welcome) = await world.ConnectAsync(enrolled.Credential, cancellationToken);
        using (call)
        {
            welcome.AgentId.ShouldBe(enrolled.AgentId);
        }
    }

    [Fact]
    public async Task Connect_WithARevokedOrMissingCredential_IsUnauthenticated()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var token = await world.CreateEnrollmentTokenAsync("host-2", cancellationToken);
        var enrolled = await world.Gateway.EnrollAsync(HostRequest(token.Token), cancellationToken: cancellationToken);
        var agents = await ApiWorld.ReadAsync<List<AgentResponse>>(
            await world.Api.Admin.GetAsync(new Uri("/api/v1/admin/agents", UriKind.Relative), cancellationToken), cancellationToken);
        using var revoked = await world.Api.Admin.DeleteAsync(new Uri($"/api/v1/admin/agents/{agents.Single().Id}", UriKind.Relative), cancellationToken);
        revoked.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var afterRevoke = await Should.ThrowAsync<RpcException>(() => world.ConnectAsync(enrolled.Credential, cancellationToken));
        var anonymous = await Should.ThrowAsync<RpcException>(() => world.Gateway.IssueTransferTicketAsync(new IssueTransferTicketRequest(), cancellationToken: cancellationToken).ResponseAsync);

        afterRevoke.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        anonymous.StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    private static EnrollRequest HostRequest(string token) => new() { Kind = WireAgentKind.Host, EnrollmentToken = token };

    private static EnrollRequest DeviceRequest(string user, string password, string name) => new()
    {
        Kind = WireAgentKind.Device,
        UserLogin = new UserLogin { UserName = user, Password = password },
        Name = name,
    };
}
