using System.Net;
using System.Security.Cryptography;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.HostAgent.SerialConsole;
using Broker.HostAgent.Tests.Snapshots;
using Broker.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.HostAgent.Tests.SerialConsole;

/// <summary><c>HostConsole</c> served over real HTTP/2 on loopback from a real log file, called with broker-signed grants.</summary>
public sealed class HostConsoleServiceTests : IAsyncLifetime
{
    private const string Host = "host-1";
    private const string Desktop = "desktop-1";
    private const string Log = "boot count 1\r\nboot count 2\r\n";

    private readonly TempDirectory _directory = new("host-console-test-");
    private readonly ECDsa _brokerKey = TicketKeys.CreatePrivateKey();
    private TicketSigner _signer = null!;
    private TicketVerifier _verifier = null!;
    private WebApplication _host = null!;
    private GrpcChannel _channel = null!;
    private HostConsole.HostConsoleClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _signer = new TicketSigner(_brokerKey);
        _verifier = new TicketVerifier([_brokerKey], TimeProvider.System);
        await File.WriteAllTextAsync(_directory.File("serial.log"), Log, TestContext.Current.CancellationToken);
        var logs = new SerialLogs(new Dictionary<string, string>
        {
            [Desktop] = _directory.File("serial.log"),
            ["desktop-never-ran"] = _directory.File("absent.log"),
        });

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new HostConsoleService(logs, new HeldChains(new Dictionary<string, LayerStore>()), _verifier, Host));
        _host = builder.Build();
        _host.MapGrpcService<HostConsoleService>();
        await _host.StartAsync(TestContext.Current.CancellationToken);
        var address = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _channel = GrpcChannel.ForAddress(address);
        _client = new HostConsole.HostConsoleClient(_channel);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
        _verifier.Dispose();
        _brokerKey.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task ReadConsole_Tail_ReturnsTheLogsLastBytes_AndWhereTheNextReadContinues()
    {
        var text = await ReadAsync(new ReadConsoleRequest { DesktopId = Desktop, TailBytes = 14 }, Grant(Desktop));

        text.Data.ToStringUtf8().ShouldBe("boot count 2\r\n");
        text.Offset.ShouldBe(14UL);
        text.NextOffset.ShouldBe(28UL);
        text.Length.ShouldBe(28UL);
    }

    [Fact]
    public async Task ReadConsole_FromAnOffset_ReadsAtMostMaxBytes_AndPastTheEndReadsNothing()
    {
        var first = await ReadAsync(new ReadConsoleRequest { DesktopId = Desktop, Offset = 5, MaxBytes = 5 }, Grant(Desktop));
        var beyond = await ReadAsync(new ReadConsoleRequest { DesktopId = Desktop, Offset = 1000 }, Grant(Desktop));
        var whole = await ReadAsync(new ReadConsoleRequest { DesktopId = Desktop, TailBytes = 1 << 30 }, Grant(Desktop));

        first.Data.ToStringUtf8().ShouldBe("count");
        first.NextOffset.ShouldBe(10UL);
        beyond.Data.IsEmpty.ShouldBeTrue();
        beyond.NextOffset.ShouldBe(28UL);
        whole.Data.ToStringUtf8().ShouldBe(Log);
        whole.Offset.ShouldBe(0UL);
    }

    [Fact]
    public async Task ReadConsole_DesktopThatNeverRan_IsEmpty_AndOneNotHeld_IsNotFound()
    {
        var empty = await ReadAsync(new ReadConsoleRequest { DesktopId = "desktop-never-ran" }, Grant("desktop-never-ran"));
        var missing = await Should.ThrowAsync<RpcException>(ReadAsync(new ReadConsoleRequest { DesktopId = "desktop-9" }, Grant("desktop-9")));

        empty.Length.ShouldBe(0UL);
        empty.Data.IsEmpty.ShouldBeTrue();
        missing.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Fact]
    public async Task ReadConsole_WithoutAGrant_OrWithAnExpiredOrForgedOne_IsUnauthenticated()
    {
        using var stranger = TicketKeys.CreatePrivateKey();
        var request = new ReadConsoleRequest { DesktopId = Desktop };
        var expired = Grant(Desktop, issuedAt: TimeProvider.System.GetUtcNow().AddHours(-1));
        var forged = ConsoleGrants.Encode(new TicketSigner(stranger).Sign(GrantFor(Desktop, TimeProvider.System.GetUtcNow())));

        foreach (var grant in new[] { null, expired, forged, "garbage" })
        {
            var refused = await Should.ThrowAsync<RpcException>(ReadAsync(request, grant));
            refused.StatusCode.ShouldBe(StatusCode.Unauthenticated, grant ?? "no grant");
        }
    }

    [Fact]
    public async Task ReadConsole_GrantForAnotherDesktopOrHost_IsPermissionDenied_EvenForADesktopNotHeld()
    {
        var otherDesktop = await Should.ThrowAsync<RpcException>(ReadAsync(new ReadConsoleRequest { DesktopId = Desktop }, Grant("desktop-2")));
        var probe = await Should.ThrowAsync<RpcException>(ReadAsync(new ReadConsoleRequest { DesktopId = "desktop-9" }, Grant(Desktop)));
        var otherHostGrant = GrantFor(Desktop, TimeProvider.System.GetUtcNow());
        otherHostGrant.HostId = "host-2";
        var otherHost = await Should.ThrowAsync<RpcException>(ReadAsync(new ReadConsoleRequest { DesktopId = Desktop }, ConsoleGrants.Encode(_signer.Sign(otherHostGrant))));

        otherDesktop.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        probe.StatusCode.ShouldBe(StatusCode.PermissionDenied, "a grant for one desktop does not even say whether another is held");
        otherHost.StatusCode.ShouldBe(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task ReadConsole_WithATransferTicket_InEitherMetadataKey_IsUnauthenticated()
    {
        var now = TimeProvider.System.GetUtcNow();
        var ticket = TicketEncoding.Encode(_signer.Sign(new Ticket
        {
            DesktopId = Desktop,
            HostId = Host,
            DeviceId = "laptop-1",
            Direction = TransferDirection.Pull,
            Epoch = 1,
            IssuedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = Timestamp.FromDateTimeOffset(now.AddMinutes(1)),
        }));
        var request = new ReadConsoleRequest { DesktopId = Desktop };

        var asGrant = await Should.ThrowAsync<RpcException>(ReadAsync(request, ticket));
        var asTicket = await Should.ThrowAsync<RpcException>(_client.ReadConsoleAsync(
            request, new Metadata { { TicketEncoding.MetadataKey, ticket } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        asGrant.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        asTicket.StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    private async Task<ConsoleText> ReadAsync(ReadConsoleRequest request, string? grant)
    {
        var headers = new Metadata();
        if (grant is not null)
        {
            headers.Add(ConsoleGrants.MetadataKey, grant);
        }

        return await _client.ReadConsoleAsync(request, headers, cancellationToken: TestContext.Current.CancellationToken);
    }

    private string Grant(string desktop, DateTimeOffset? issuedAt = null) =>
        ConsoleGrants.Encode(_signer.Sign(GrantFor(desktop, issuedAt ?? TimeProvider.System.GetUtcNow())));

    private static ConsoleGrant GrantFor(string desktop, DateTimeOffset issuedAt) => new()
    {
        HostId = Host,
        DesktopId = desktop,
        IssuedAt = Timestamp.FromDateTimeOffset(issuedAt),
        ExpiresAt = Timestamp.FromDateTimeOffset(issuedAt.AddMinutes(1)),
    };

    private sealed class SerialLogs(Dictionary<string, string> paths) : ISerialLogs
    {
        public string? SerialLogPath(string desktopId) => paths.GetValueOrDefault(desktopId);
    }
}
