using System.Net;
using System.Net.Sockets;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Hosts;
using Broker.Persistence;
using Broker.Server.Agents;
using Broker.Server.Api.Desktops;
using Broker.Testing.Databases;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Server.Tests.Desktops;

/// <summary>
/// <c>GET /api/v1/admin/desktops/{id}/console</c> against a stand-in host agent on loopback that
/// serves <c>HostConsole</c> and checks the broker's console grant with the broker's public key.
/// </summary>
public sealed class DesktopConsoleEndpointTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Console_AsksTheHostWithAGrantForItAndTheDesktop_AndAnswersTheTextUpToTheLastWholeCharacter()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        var host = await HostOfAsync(world, desktop.Id, cancellationToken);
        await using var fake = await FakeHost.StartAsync(world, host.Id.ToString(), cancellationToken);
        await SetTransferAddressAsync(world, host.Id, fake.Address, cancellationToken);

        using var response = await world.Admin.GetAsync(new Uri($"/api/v1/admin/desktops/{desktop.Id}/console?tail=100", UriKind.Relative), cancellationToken);
        using var alice = await world.Alice.GetAsync(new Uri($"/api/v1/admin/desktops/{desktop.Id}/console", UriKind.Relative), cancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(cancellationToken));
        var console = await ApiWorld.ReadAsync<DesktopConsoleResponse>(response, cancellationToken);
        console.Text.ShouldBe("boot count 1\r\n<script>");
        console.Offset.ShouldBe(FakeHost.Offset);
        console.NextOffset.ShouldBe(FakeHost.Offset + console.Text.Length, "the split 'é' waits for the next read");
        console.Length.ShouldBe(FakeHost.Offset + FakeHost.Data.Length);
        var asked = fake.Requests.ShouldHaveSingleItem();
        asked.DesktopId.ShouldBe(desktop.Id.ToString());
        asked.TailBytes.ShouldBe(100UL);
        alice.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Console_OfAnUnreachableOrOfflineHost_Is503_OfAnUnknownDesktop404_AndBadRanges400()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        var host = await HostOfAsync(world, desktop.Id, cancellationToken);
        await SetTransferAddressAsync(world, host.Id, ClosedPortAddress(), cancellationToken);

        var unreachable = await ProblemAsync(world, $"/api/v1/admin/desktops/{desktop.Id}/console", HttpStatusCode.ServiceUnavailable, cancellationToken);
        await SetOfflineAsync(world, host.Id, cancellationToken);
        var offline = await ProblemAsync(world, $"/api/v1/admin/desktops/{desktop.Id}/console", HttpStatusCode.ServiceUnavailable, cancellationToken);
        await ProblemAsync(world, $"/api/v1/admin/desktops/{Guid.NewGuid()}/console", HttpStatusCode.NotFound, cancellationToken);
        await ProblemAsync(world, $"/api/v1/admin/desktops/{desktop.Id}/console?tail=5&offset=0", HttpStatusCode.BadRequest, cancellationToken);
        await ProblemAsync(world, $"/api/v1/admin/desktops/{desktop.Id}/console?max=0", HttpStatusCode.BadRequest, cancellationToken);

        unreachable.Detail.ShouldNotBeNull().ShouldContain("did not answer");
        offline.Detail.ShouldNotBeNull().ShouldContain("is offline");
    }

    [Fact]
    public async Task ConsolePage_ShowsTheGuestsTextHtmlEncoded_AndWhyWhenTheHostCannotBeAsked()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        var host = await HostOfAsync(world, desktop.Id, cancellationToken);
        await using var fake = await FakeHost.StartAsync(world, host.Id.ToString(), cancellationToken);
        await SetTransferAddressAsync(world, host.Id, fake.Address, cancellationToken);

        var page = await world.Admin.GetStringAsync(new Uri($"/Admin/Console/{desktop.Id}", UriKind.Relative), cancellationToken);
        await SetOfflineAsync(world, host.Id, cancellationToken);
        var offline = await world.Admin.GetStringAsync(new Uri($"/Admin/Console/{desktop.Id}", UriKind.Relative), cancellationToken);
        using var unknown = await world.Admin.GetAsync(new Uri($"/Admin/Console/{Guid.NewGuid()}", UriKind.Relative), cancellationToken);

        page.ShouldContain("boot count 1");
        page.ShouldContain("&lt;script&gt;");
        page.ShouldNotContain("<script>");
        fake.Requests.ShouldHaveSingleItem().TailBytes.ShouldBe(64UL * 1024);
        offline.ShouldContain("is offline");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static async Task<ProblemDetails> ProblemAsync(ApiWorld world, string path, HttpStatusCode status, CancellationToken cancellationToken)
    {
        using var response = await world.Admin.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        response.StatusCode.ShouldBe(status, path);
        return await ApiWorld.ReadAsync<ProblemDetails>(response, cancellationToken);
    }

    private static async Task<Host> HostOfAsync(ApiWorld world, Guid desktopId, CancellationToken cancellationToken)
    {
        await using var scope = world.Factory.Services.CreateAsyncScope();
        var desktop = (await scope.ServiceProvider.GetRequiredService<IDesktopStore>().FindAsync(new DesktopId(desktopId), cancellationToken)).ShouldNotBeNull();
        return (await scope.ServiceProvider.GetRequiredService<IHostStore>().FindAsync(desktop.Host, cancellationToken)).ShouldNotBeNull();
    }

    private static Task SetTransferAddressAsync(ApiWorld world, HostId id, string address, CancellationToken cancellationToken) =>
        UpdateHostAsync(world, id, host => host with { TransferAddress = address }, cancellationToken);

    private static Task SetOfflineAsync(ApiWorld world, HostId id, CancellationToken cancellationToken) =>
        UpdateHostAsync(world, id, host => host with { Health = HostHealth.Offline }, cancellationToken);

    private static async Task UpdateHostAsync(ApiWorld world, HostId id, Func<Host, Host> change, CancellationToken cancellationToken)
    {
        await using var scope = world.Factory.Services.CreateAsyncScope();
        var hosts = scope.ServiceProvider.GetRequiredService<IHostStore>();
        var host = (await hosts.FindAsync(id, cancellationToken)).ShouldNotBeNull();
        (await hosts.UpdateAsync(change(host), cancellationToken)).Outcome.ShouldBe(Core.WriteOutcome.Saved);
    }

    /// <summary>An http address on loopback where nothing listens (a port just bound and released).</summary>
    private static string ClosedPortAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    /// <summary>A host agent's <c>HostConsole</c> that holds one log and checks grants with the broker's key, as the real one does.</summary>
    private sealed class FakeHost : HostConsole.HostConsoleBase, IAsyncDisposable
    {
        public const long Offset = 1000;

        /// <summary>Guest output ending inside a two-byte character (é is C3 A9).</summary>
        public static readonly byte[] Data = [.. "boot count 1\r\n<script>"u8, 0xC3];

        private readonly TicketVerifier _verifier;
        private readonly string _hostId;
        private WebApplication _app = null!;

        private FakeHost(TicketVerifier verifier, string hostId)
        {
            _verifier = verifier;
            _hostId = hostId;
        }

        public string Address { get; private set; } = string.Empty;

        public List<ReadConsoleRequest> Requests { get; } = [];

        public static async Task<FakeHost> StartAsync(ApiWorld world, string hostId, CancellationToken cancellationToken)
        {
            using var key = TicketKeys.ImportPublicKeyPem(world.Factory.Services.GetRequiredService<SigningKey>().PublicKeyPem);
            var host = new FakeHost(new TicketVerifier([key], TimeProvider.System), hostId);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(host);
            host._app = builder.Build();
            host._app.MapGrpcService<FakeHost>();
            await host._app.StartAsync(cancellationToken);
            host.Address = host._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return host;
        }

        public override Task<ConsoleText> ReadConsole(ReadConsoleRequest request, ServerCallContext context)
        {
            if (_verifier.CheckConsoleGrant(context.RequestHeaders.GetValue(ConsoleGrants.MetadataKey), _hostId, request.DesktopId) is { } refusal)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, refusal.ToString()));
            }

            Requests.Add(request);
            return Task.FromResult(new ConsoleText
            {
                Data = ByteString.CopyFrom(Data),
                Offset = Offset,
                NextOffset = Offset + (ulong)Data.Length,
                Length = Offset + (ulong)Data.Length,
            });
        }

        public async ValueTask DisposeAsync()
        {
            await _app.DisposeAsync();
            _verifier.Dispose();
        }
    }
}
