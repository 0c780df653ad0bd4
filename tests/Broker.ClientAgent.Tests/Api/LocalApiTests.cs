using System.Net.Sockets;
using System.Runtime.Versioning;
using Broker.ClientAgent.Api;
using Broker.ClientAgent.Desktops;
using Broker.Contracts.Tls;
using Broker.Contracts.V1;
using Broker.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using LocalApi = Broker.Contracts.V1.ClientAgent;

namespace Broker.ClientAgent.Tests.Api;

/// <summary>
/// <c>broker-client run</c>'s host started in-process on a temp socket, called through a real gRPC
/// channel: login, check-out driven by the stand-in broker and pulled from a stand-in host (its
/// address configured, overriding the broker's), list and status, refusals and the socket's mode.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LocalApiTests
{
    private const string DesktopId = "desktop-1";
    private const string HostId = "host-1";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_PublishesTheSocketUserOnly_FromAPrivateBindingDirectory_ThatIsGoneAfterwards()
    {
        using var directory = new TempDirectory("broker-client-");
        var socket = directory.File("agent.sock");
        await using var agent = await AgentUnderTest.StartAsync(directory);
        using var channel = Connect(socket);
        var listed = await new LocalApi.ClientAgentClient(channel).ListAsync(new ListLocalDesktopsRequest(), cancellationToken: Token);

        listed.Desktops.ShouldBeEmpty();
        File.GetUnixFileMode(socket).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.EnumerateDirectories(directory.Path).Select(Path.GetFileName).ShouldNotContain(name => name!.StartsWith(".agent.sock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckOut_ThroughTheLocalApi_ShowsInListAndStatus_OnAUserOnlySocket()
    {
        using var directory = new TempDirectory("broker-client-api-");
        await using var hostLayers = await CounterDesktop.CreateAsync(directory, DesktopPaths.Of(directory.File("host"), DesktopId), Token);
        await using var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("no-such-host.sock"));
        await using var host = await StandInHost.StartAsync(directory.File("transfer.sock"), HostId, broker.Verifier());
        host.Hold(DesktopId, hostLayers, broker.Epoch, StandInBroker.DeviceId);
        await broker.ServeAsync();
        var socket = directory.File("agent.sock");
        await using var agent = await AgentUnderTest.StartAsync(directory, $"--ClientAgent:Hosts:{HostId}=unix:{directory.File("transfer.sock")}");
        using var channel = Connect(socket);
        var api = new LocalApi.ClientAgentClient(channel);

        var notEnrolled = await Should.ThrowAsync<RpcException>(() => api.CheckOutAsync(new DesktopRequest { Desktop = "alice-desk" }, cancellationToken: Token).ResponseAsync);
        var login = await api.LoginAsync(new LoginRequest { Server = broker.Address, UserName = "alice", Password = "pw" }, cancellationToken: Token);
        var requested = await api.CheckOutAsync(new DesktopRequest { Desktop = "alice-desk" }, cancellationToken: Token);
        var watched = await WatchToEndAsync(api, "alice-desk");
        var listed = await api.ListAsync(new ListLocalDesktopsRequest(), cancellationToken: Token);
        var status = await api.StatusAsync(new DesktopRequest { Desktop = DesktopId }, cancellationToken: Token);
        var unknown = await Should.ThrowAsync<RpcException>(() => api.StatusAsync(new DesktopRequest { Desktop = "bob-desk" }, cancellationToken: Token).ResponseAsync);

        File.GetUnixFileMode(socket).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        notEnrolled.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        notEnrolled.Trailers.GetValue(RefusalInterceptor.TrailerKey).ShouldBe(nameof(ClientRefusal.NotEnrolled));
        login.DeviceId.ShouldBe(StandInBroker.DeviceId);
        requested.Phase.ShouldBe(LocalPhase.Requested);
        watched.Phase.ShouldBe(LocalPhase.Ready, watched.Message);
        listed.Desktops.Select(desktop => (desktop.Name, desktop.Phase)).ShouldBe([("alice-desk", LocalPhase.Ready)]);
        status.Epoch.ShouldBe(broker.Epoch);
        status.LeaseExpiresAt.ShouldNotBeNull();
        status.BlockedReason.ShouldBeEmpty();
        unknown.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Fact]
    public async Task Login_WithTheBrokersFingerprint_TrustsItsSelfSignedCertificate_AndAWrongOneEnrollsNothing()
    {
        using var directory = new TempDirectory("broker-client-api-");
        using var certificate = TestCertificates.SelfSigned("broker");
        using var impostor = TestCertificates.SelfSigned("impostor");
        await using var broker = new StandInBroker(DesktopId, HostId, "unix:" + directory.File("no-such-host.sock")) { Certificate = certificate };
        await broker.ServeAsync();
        await using var agent = await AgentUnderTest.StartAsync(directory);
        using var channel = Connect(directory.File("agent.sock"));
        var api = new LocalApi.ClientAgentClient(channel);
        var pin = CertificatePin.Of(certificate);
        LoginRequest Login(string fingerprint) => new() { Server = broker.Address, UserName = "alice", Password = "pw", BrokerCertificate = fingerprint };

        var malformed = await Should.ThrowAsync<RpcException>(() => api.LoginAsync(Login("SHA256:00"), cancellationToken: Token).ResponseAsync);
        var mispinned = await Should.ThrowAsync<RpcException>(() => api.LoginAsync(Login(CertificatePin.Of(impostor).ToString()), cancellationToken: Token).ResponseAsync);
        var unpinned = await Should.ThrowAsync<RpcException>(() => api.LoginAsync(Login(string.Empty), cancellationToken: Token).ResponseAsync);
        var notEnrolled = await Should.ThrowAsync<RpcException>(() => api.CheckOutAsync(new DesktopRequest { Desktop = "alice-desk" }, cancellationToken: Token).ResponseAsync);
        var login = await api.LoginAsync(Login(pin.ToString()), cancellationToken: Token);
        var requested = await api.CheckOutAsync(new DesktopRequest { Desktop = "alice-desk" }, cancellationToken: Token);

        malformed.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        mispinned.Status.Detail.ShouldContain("not the pinned one");
        unpinned.Trailers.GetValue(RefusalInterceptor.TrailerKey).ShouldBe(nameof(ClientRefusal.BrokerUnreachable), "a self-signed broker is not trusted without its fingerprint");
        notEnrolled.Trailers.GetValue(RefusalInterceptor.TrailerKey).ShouldBe(nameof(ClientRefusal.NotEnrolled), "refused logins enroll nothing");
        login.DeviceId.ShouldBe(StandInBroker.DeviceId);
        requested.Phase.ShouldBe(LocalPhase.Requested, "the device's calls after login go over the pinned connection");
    }

    /// <summary>The last state Watch sends before the check-out in progress settles.</summary>
    private static async Task<LocalDesktop> WatchToEndAsync(LocalApi.ClientAgentClient api, string desktop)
    {
        using var call = api.Watch(new DesktopRequest { Desktop = desktop }, cancellationToken: Token);
        LocalDesktop? last = null;
        while (await call.ResponseStream.MoveNext(Token))
        {
            last = call.ResponseStream.Current;
        }

        return last.ShouldNotBeNull();
    }

    private static GrpcChannel Connect(string socket) => GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                return new NetworkStream(client, ownsSocket: true);
            },
        },
    });
}
