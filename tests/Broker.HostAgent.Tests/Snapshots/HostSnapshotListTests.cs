using System.Net;
using System.Security.Cryptography;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.HostAgent.Broker;
using Broker.HostAgent.SerialConsole;
using Broker.Testing;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
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

namespace Broker.HostAgent.Tests.Snapshots;

/// <summary>
/// <c>HostConsole.ListSnapshots</c> over real HTTP/2 on loopback, listing a real layer store: three
/// seals, then a restore to the first, so the list has the current chain and a branch.
/// </summary>
public sealed class HostSnapshotListTests : IAsyncLifetime
{
    private const string Host = "host-1";
    private const string Desktop = "desktop-1";
    private const long VirtualSize = 8L * 1024 * 1024;
    private const int Written = 4 * 1024 * 1024;

    private readonly TempDirectory _directory = new("host-snapshots-test-");
    private readonly ECDsa _brokerKey = TicketKeys.CreatePrivateKey();
    private readonly List<LayerRecord> _sealed = [];
    private TicketSigner _signer = null!;
    private TicketVerifier _verifier = null!;
    private LayerStore _layers = null!;
    private DateTimeOffset _builtFrom;
    private WebApplication _host = null!;
    private GrpcChannel _channel = null!;
    private HostConsole.HostConsoleClient _client = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _signer = new TicketSigner(_brokerKey);
        _verifier = new TicketVerifier([_brokerKey], TimeProvider.System);
        _builtFrom = TimeProvider.System.GetUtcNow();
        _layers = await BuildChainAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var held = new HeldChains(new Dictionary<string, LayerStore> { [Desktop] = _layers });
        builder.Services.AddSingleton(new HostConsoleService(new NoSerialLogs(), held, _verifier, Host));
        _host = builder.Build();
        _host.MapGrpcService<HostConsoleService>();
        await _host.StartAsync(Token);
        var address = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _channel = GrpcChannel.ForAddress(address);
        _client = new HostConsole.HostConsoleClient(_channel);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
        await _layers.DisposeAsync();
        _verifier.Dispose();
        _brokerKey.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task ListSnapshots_NamesEverySealedLayerAsTheBrokerDoes_WithParentsSealTimesSizesAndHashes()
    {
        var list = await ListAsync(Desktop, Grant(Desktop));

        var manifest = _layers.Manifest;
        list.Snapshots.Select(snapshot => snapshot.LayerId).ShouldBe(manifest.Layers.Select(layer => WireLayerIds.ToWire(layer.Id)));
        list.ManifestEpoch.ShouldBe((ulong)manifest.Epoch);
        var first = list.Snapshots[0];
        first.ParentLayerId.ShouldBeEmpty("the first layer sits on the base image");
        list.Snapshots[1].ParentLayerId.ShouldBe(first.LayerId);
        list.Snapshots[2].ParentLayerId.ShouldBe(list.Snapshots[1].LayerId);
        for (var k = 0; k < _sealed.Count; k++)
        {
            list.Snapshots[k].SealedAt.ToDateTimeOffset().ShouldBe(_sealed[k].SealedAt!.Value);
            list.Snapshots[k].ContentSha256.ShouldBe(_sealed[k].ContentSha256);
        }

        list.Snapshots.Select(snapshot => snapshot.SealedAt.ToDateTimeOffset()).ShouldBeInOrder();
        first.SealedAt.ToDateTimeOffset().ShouldBeGreaterThanOrEqualTo(_builtFrom.AddTicks(-(_builtFrom.Ticks % TimeSpan.TicksPerMicrosecond)));
        first.SizeBytes.ShouldBeGreaterThanOrEqualTo(list.Snapshots[1].SizeBytes + Written, "the first layer holds the 4 MiB written before its seal, the second nothing");
    }

    [Fact]
    public async Task ListSnapshots_AfterARestore_MarksTheTopsParent_AndTheOldChainAsABranch()
    {
        var list = await ListAsync(Desktop, Grant(Desktop));

        var restoredTo = WireLayerIds.ToWire(_sealed[0].Id);
        list.TopParentLayerId.ShouldBe(restoredTo);
        list.Snapshots.Where(snapshot => snapshot.IsTopParent).ShouldHaveSingleItem().LayerId.ShouldBe(restoredTo);
        list.Snapshots.Count.ShouldBe(4, "three seals, and the top the restore sealed and kept");
        list.Snapshots.Where(snapshot => !snapshot.OnBranch).Select(snapshot => snapshot.LayerId).ShouldBe([restoredTo]);
        list.Snapshots.Last().ParentLayerId.ShouldBe(list.Snapshots[2].LayerId, "the old top, kept on the branch");
    }

    [Fact]
    public async Task ListSnapshots_OfADesktopNotHeld_IsNotFound_AndWithoutAValidGrantForIt_NothingIsListed()
    {
        using var stranger = TicketKeys.CreatePrivateKey();
        var forged = ConsoleGrants.Encode(new TicketSigner(stranger).Sign(GrantFor(Desktop)));

        var missing = await Should.ThrowAsync<RpcException>(ListAsync("desktop-9", Grant("desktop-9")));
        var none = await Should.ThrowAsync<RpcException>(ListAsync(Desktop, grant: null));
        var forgedGrant = await Should.ThrowAsync<RpcException>(ListAsync(Desktop, forged));
        var otherDesktop = await Should.ThrowAsync<RpcException>(ListAsync(Desktop, Grant("desktop-2")));

        missing.StatusCode.ShouldBe(StatusCode.NotFound);
        none.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        forgedGrant.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        otherDesktop.StatusCode.ShouldBe(StatusCode.PermissionDenied);
    }

    /// <summary>Base, 4 MiB written and sealed, two more seals, then a restore to the first layer.</summary>
    private async Task<LayerStore> BuildChainAsync()
    {
        var basePath = _directory.File("gold.vhdx");
        await using (var file = await VhdxFile.CreateAsync(FileStorage.Instance, basePath, VhdxCreateOptions.Dynamic(VirtualSize, blockSize: 1024 * 1024), Token))
        {
            await file.FlushAsync(Token);
        }

        var layers = await LayerStore.CreateAsync(FileStorage.Instance, _directory.File("layers"), basePath, "gold", null, Token);
        var device = await layers.OpenLiveDeviceAsync(Token);
        var data = new byte[Written];
        Array.Fill(data, (byte)0x5A);
        await device.WriteAsync(0, data, forceUnitAccess: false, Token);
        await device.FlushAsync(Token);
        for (var k = 0; k < 3; k++)
        {
            _sealed.Add(await layers.SealAsync(Token));
        }

        _ = await layers.RestoreAsync(_sealed[0].Id, Token);
        return layers;
    }

    private async Task<HostSnapshotList> ListAsync(string desktop, string? grant)
    {
        var headers = new Metadata();
        if (grant is not null)
        {
            headers.Add(ConsoleGrants.MetadataKey, grant);
        }

        return await _client.ListSnapshotsAsync(new ListSnapshotsRequest { DesktopId = desktop }, headers, cancellationToken: Token);
    }

    private string Grant(string desktop) => ConsoleGrants.Encode(_signer.Sign(GrantFor(desktop)));

    private static ConsoleGrant GrantFor(string desktop)
    {
        var now = TimeProvider.System.GetUtcNow();
        return new ConsoleGrant
        {
            HostId = Host,
            DesktopId = desktop,
            IssuedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = Timestamp.FromDateTimeOffset(now.AddMinutes(1)),
        };
    }

    private sealed class NoSerialLogs : ISerialLogs
    {
        public string? SerialLogPath(string desktopId) => null;
    }
}
