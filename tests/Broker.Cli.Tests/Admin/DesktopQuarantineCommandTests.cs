using System.Runtime.Versioning;
using System.Text.Json;
using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Pools;
using Broker.Core.Quarantine;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Cli.Tests.Admin;

/// <summary><c>brokerctl admin desktop quarantine|promote</c> against the real broker in process.</summary>
[SupportedOSPlatform("linux")]
public sealed class DesktopQuarantineCommandTests : IAsyncLifetime
{
    private AdminBroker _broker = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = new AdminBroker();
        (await _broker.LoginAsync()).ExitCode.ShouldBe(0);
    }

    public ValueTask DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task Quarantine_ListsTheHostsLayers_AndPromoteAsksForOne()
    {
        var (desktop, layer) = await SeedAsync(DesktopState.Revoked);

        var list = await _broker.RunAsync("admin", "desktop", "quarantine", desktop.ToString());
        var json = await _broker.RunAsync("admin", "desktop", "quarantine", desktop.ToString(), "--json");
        var promote = await _broker.RunAsync("admin", "desktop", "promote", desktop.ToString(), layer.ToString());
        var after = await _broker.RunAsync("admin", "desktop", "quarantine", desktop.ToString());

        list.ExitCode.ShouldBe(0, list.ToString());
        var lines = list.Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("LAYER");
        lines[1].ShouldStartWith(layer.ToString());
        lines[1].ShouldEndWith("kept");
        json.ExitCode.ShouldBe(0, json.ToString());
        using (var document = JsonDocument.Parse(json.Out))
        {
            document.RootElement.EnumerateArray().ShouldHaveSingleItem().GetProperty("layerId").GetGuid().ShouldBe(layer.Value);
        }

        promote.ExitCode.ShouldBe(0, promote.ToString());
        promote.Out.ShouldStartWith($"promotion of layer {layer} sent");
        after.Out.ShouldContain("promotion asked");
    }

    [Fact]
    public async Task Promote_WhileCheckedOut_OrOfAnUnknownLayer_Exits1_AndBadIdsExit2()
    {
        var (desktop, layer) = await SeedAsync(DesktopState.CheckedOut);

        var busy = await _broker.RunAsync("admin", "desktop", "promote", desktop.ToString(), layer.ToString());
        var unknown = await _broker.RunAsync("admin", "desktop", "promote", desktop.ToString(), Guid.NewGuid().ToString());
        var noDesktop = await _broker.RunAsync("admin", "desktop", "quarantine", Guid.NewGuid().ToString());
        var badId = await _broker.RunAsync("admin", "desktop", "promote", desktop.ToString(), "not-a-layer");

        busy.ExitCode.ShouldBe(1, busy.ToString());
        busy.Error.ShouldContain("CheckedOut");
        unknown.ExitCode.ShouldBe(1, unknown.ToString());
        noDesktop.ExitCode.ShouldBe(1, noDesktop.ToString());
        badId.ExitCode.ShouldBe(2, badId.ToString());
    }

    /// <summary>A desktop in <paramref name="state"/> whose host reported one quarantined layer.</summary>
    private async Task<(DesktopId Desktop, LayerId Layer)> SeedAsync(DesktopState state)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var scope = _broker.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var image = GoldImage.Create(ImageId.New(), new GoldImageDraft("Windows 11", "2025.06", "sha256:" + new string('a', 64), 64L << 30)).Value!;
        (await services.GetRequiredService<IImageStore>().AddAsync(image, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var pool = Pool.Create(PoolId.New(), new PoolDraft("Engineering", PoolKind.Dedicated, image.Id, 1, new OfflinePolicy { Allowed = true })).Value!;
        (await services.GetRequiredService<IPoolStore>().AddAsync(pool, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var host = Host.Create(HostId.New(), new HostDraft("host-1", 10)).Value!;
        (await services.GetRequiredService<IHostStore>().AddAsync(host, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var device = Device.Create(DeviceId.New(), new DeviceDraft(new UserId("user-alice"), "alice-laptop")).Value!;
        (await services.GetRequiredService<IDeviceStore>().AddAsync(device, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var desktop = DesktopStateMachine.Create(DesktopId.New(), pool.Id, "Engineering-001", host.Id, image.Id).Desktop with { State = state, Epoch = new Epoch(3) };
        (await services.GetRequiredService<IDesktopStore>().AddAsync(desktop, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var layer = new QuarantinedLayer
        {
            Desktop = desktop.Id,
            Layer = LayerId.New(),
            RevokedEpoch = new Epoch(2),
            Device = device.Id,
            SizeBytes = 1 << 20,
            ReceivedAt = DateTimeOffset.UnixEpoch,
        };
        (await services.GetRequiredService<IQuarantineStore>().RecordAsync(layer, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        return (desktop.Id, layer.Layer);
    }
}
