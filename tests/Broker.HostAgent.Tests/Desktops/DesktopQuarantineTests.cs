using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.HostAgent.Broker;
using Broker.HostAgent.Desktops;
using Broker.Testing;
using Broker.Transfer;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Broker.HostAgent.Tests.Desktops;

/// <summary>
/// Revoke and quarantine on the host (design §5): the revoked device is remembered durably, its late
/// layer is reported as quarantined (again after a restart until acknowledged), and a promote
/// grafts it onto the chain once the desktop is no longer checked out.
/// </summary>
public sealed class DesktopQuarantineTests : IAsyncDisposable
{
    private const string Device = "laptop-1";
    private const long VirtualSize = 8L * 1024 * 1024;
    private const long LateOffset = 1536 * 1024;
    private const long ServerOffset = 5L * 1024 * 1024;

    private static readonly string DesktopId = Guid.NewGuid().ToString();
    private static readonly string ImageId = Guid.NewGuid().ToString();
    private static readonly DateTimeOffset LateCreated = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new("broker-host-quarantine-");
    private DesktopManager _manager = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LatePush_ReportedAsQuarantinedOnly_AgainAfterARestartUntilAcknowledged()
    {
        var (prepared, _) = await CheckOutAndRevokeAsync();
        var late = await QuarantineLateLayerAsync(prepared, new byte[VirtualSize]);

        _manager.OnPushCommitted(DesktopId, new PushResult { LayerId = LayerIds.Format(late.Id), Epoch = 2, Quarantined = true });

        var report = DrainReports().ShouldHaveSingleItem();
        report.Kind.ShouldBe(DesktopReportKind.LayerQuarantined);
        report.Epoch.ShouldBe(3UL);
        report.LayerId.ShouldBe(WireLayerIds.ToWire(late.Id));
        report.Quarantined.LayerId.ShouldBe(WireLayerIds.ToWire(late.Id));
        report.Quarantined.ParentLayerId.ShouldBe(WireLayerIds.ToWire(prepared));
        (report.Quarantined.RevokedEpoch, report.Quarantined.DeviceId, report.Quarantined.SizeBytes).ShouldBe((2UL, Device, (ulong)late.SizeBytes));
        report.Quarantined.ReceivedAt.ToDateTimeOffset().ShouldBe(late.ReceivedAt);

        await RestartAsync();
        var again = DrainReports().ShouldHaveSingleItem();
        again.ShouldBe(report);
        _manager.Find(DesktopId)!.Revoked.ShouldNotBeNull().DeviceId.ShouldBe(Device);
        await _manager.OnReportAcknowledgedAsync(again, Token);

        await RestartAsync();
        DrainReports().ShouldBeEmpty();
    }

    [Fact]
    public async Task Revoke_RevokedDeviceAndEpochKeptAfterTheUnlockAndARestart()
    {
        _ = await CheckOutAndRevokeAsync();
        (await ApplyAsync(AgentCommandKind.UnlockAndResume, 3)).Succeeded.ShouldBeTrue();

        await RestartAsync();

        var desktop = _manager.Find(DesktopId)!;
        desktop.Epoch.ShouldBe(3UL);
        desktop.DeviceId.ShouldBeNull();
        desktop.Revoked.ShouldNotBeNull();
        (desktop.Revoked.Epoch, desktop.Revoked.DeviceId).ShouldBe((2UL, Device));
    }

    [Fact]
    public async Task Promote_RefusedWhileLocked_ThenTheDesktopRunsOnTheQuarantinedLayerAndKeepsItsOldTop()
    {
        var (prepared, preparedModel) = await CheckOutAndRevokeAsync();
        var expected = (byte[])preparedModel.Clone();
        var late = await QuarantineLateLayerAsync(prepared, expected);
        var layers = _manager.Find(DesktopId)!.Layers;
        var lockedManifest = layers.Manifest;

        var whileLocked = await ApplyAsync(AgentCommandKind.PromoteQuarantinedLayer, 3, late.Id);

        whileLocked.Succeeded.ShouldBeFalse();
        layers.Manifest.ShouldBeSameAs(lockedManifest);
        (await ApplyAsync(AgentCommandKind.UnlockAndResume, 3)).Succeeded.ShouldBeTrue();
        var serverModel = (byte[])preparedModel.Clone();
        await WriteAsync(layers, serverModel, ServerOffset, 0x5E);
        var oldTop = layers.Manifest.Top;
        _ = DrainReports();

        var promoted = await ApplyAsync(AgentCommandKind.PromoteQuarantinedLayer, 3, late.Id);

        promoted.ShouldBe(new CommandOutcome(true, string.Empty));
        var graft = layers.Manifest.Find(layers.Manifest.Top.ParentId!.Value).ShouldNotBeNull();
        graft.ParentId.ShouldBe(prepared);
        graft.ContentSha256.ShouldBe(late.ContentSha256);
        (await ReadLiveAsync(layers)).ShouldBe(expected);
        (await ReadSnapshotAsync(layers, oldTop.Id)).ShouldBe(serverModel);
        _manager.Find(DesktopId)!.Revoked!.Quarantine.Find(late.Id)!.PromotedAs.ShouldBe(graft.Id);
        var report = DrainReports().ShouldHaveSingleItem();
        (report.Kind, report.LayerId, report.Epoch).ShouldBe((DesktopReportKind.QuarantinePromoted, WireLayerIds.ToWire(late.Id), 3UL));

        var manifest = layers.Manifest;
        var repeat = await ApplyAsync(AgentCommandKind.PromoteQuarantinedLayer, 3, late.Id);

        repeat.Succeeded.ShouldBeTrue();
        repeat.Detail.ShouldNotBeEmpty();
        layers.Manifest.ShouldBeSameAs(manifest);
    }

    public async ValueTask DisposeAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }

        _temp.Dispose();
    }

    /// <summary>
    /// Provisions the desktop, writes into it, checks it out to <see cref="Device"/> at epoch 2 and
    /// revokes that (epoch 3). Returns the layer sealed for the check-out and the disk's content then.
    /// </summary>
    private async Task<(long Prepared, byte[] Model)> CheckOutAndRevokeAsync()
    {
        var basePath = _temp.File("gold.vhdx");
        await using (var file = await VhdxFile.CreateAsync(FileStorage.Instance, basePath, VhdxCreateOptions.Dynamic(VirtualSize, blockSize: 1024 * 1024), Token))
        {
            await file.WriteAsync(0, Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7)).ToArray(), Token);
            await file.FlushAsync(Token);
        }

        await RestartAsync();
        _ = await _manager.Images.ImportAsync(basePath, ImageId, Token);
        (await _manager.ApplyAsync(new AgentCommand { Kind = AgentCommandKind.ProvisionDesktop, DesktopId = DesktopId, ImageId = ImageId, Epoch = 1 }, Token)).Succeeded.ShouldBeTrue();
        var layers = _manager.Find(DesktopId)!.Layers;
        var model = await ReadLiveAsync(layers);
        await WriteAsync(layers, model, 1024 * 1024, 0x11);
        (await ApplyAsync(AgentCommandKind.StopAndSeal, 2)).Succeeded.ShouldBeTrue();
        (await _manager.ApplyAsync(new AgentCommand { Kind = AgentCommandKind.ServeTransfer, DesktopId = DesktopId, DeviceId = Device, Epoch = 2 }, Token)).Succeeded.ShouldBeTrue();
        var prepared = layers.Manifest.Top.ParentId!.Value;
        (await _manager.ApplyAsync(new AgentCommand { Kind = AgentCommandKind.QuarantineLatePushes, DesktopId = DesktopId, DeviceId = Device, Epoch = 3, RevokedEpoch = 2 }, Token)).Succeeded.ShouldBeTrue();
        _ = DrainReports();
        return (prepared, model);
    }

    /// <summary>Puts a layer into the quarantine as the transfer service does for a late push: a child of <paramref name="parentId"/> with one write (also into <paramref name="model"/>).</summary>
    private async Task<QuarantinedLayerRecord> QuarantineLateLayerAsync(long parentId, byte[] model)
    {
        var desktop = _manager.Find(DesktopId)!;
        var quarantine = desktop.Revoked.ShouldNotBeNull().Quarantine;
        var staged = quarantine.StagingPathOf("push-late.avhdx");
        await using (var file = await VhdxFile.CreateAsync(FileStorage.Instance, staged, VhdxCreateOptions.Differencing(desktop.Layers.SealedPathOf(parentId)!), Token))
        {
            var data = new byte[96 * 1024];
            Array.Fill(data, (byte)0xC7);
            await file.WriteAsync(LateOffset, data, Token);
            data.CopyTo(model, LateOffset);
            await file.FlushAsync(Token);
        }

        var lateId = desktop.Layers.Manifest.NextSerial + 5;
        return await quarantine.AddAsync(desktop.Layers, staged, new QuarantineArrival(lateId, parentId, LateCreated, LateCreated.AddMinutes(5), 2, Device), Token);
    }

    private Task<CommandOutcome> ApplyAsync(AgentCommandKind kind, ulong epoch, long? layer = null) =>
        _manager.ApplyAsync(new AgentCommand { Kind = kind, DesktopId = DesktopId, Epoch = epoch, LayerId = layer is { } id ? WireLayerIds.ToWire(id) : string.Empty }, Token);

    /// <summary>Stops the manager (if any) and starts a new one over the same data directory, as a restarted agent does.</summary>
    private async Task RestartAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }

        var options = Options.Create(new HostAgentOptions { MinFreeBytes = 0 });
        _manager = new DesktopManager(new HostAgentPaths(_temp.Path), options, TimeProvider.System, NullLogger<DesktopManager>.Instance);
        await _manager.StartAsync(Token);
    }

    private List<DesktopReport> DrainReports()
    {
        var reports = new List<DesktopReport>();
        while (_manager.Reports.Reader.TryRead(out var report))
        {
            reports.Add(report);
        }

        return reports;
    }

    private static async Task WriteAsync(LayerStore layers, byte[] model, long offset, byte pattern)
    {
        var data = new byte[128 * 1024];
        Array.Fill(data, pattern);
        var device = await layers.OpenLiveDeviceAsync(Token);
        await device.WriteAsync(offset, data, forceUnitAccess: false, Token);
        await device.FlushAsync(Token);
        data.CopyTo(model, offset);
    }

    private static async Task<byte[]> ReadLiveAsync(LayerStore layers)
    {
        var device = await layers.OpenLiveDeviceAsync(Token);
        var content = new byte[device.Size];
        await device.ReadAsync(0, content, Token);
        return content;
    }

    private static async Task<byte[]> ReadSnapshotAsync(LayerStore layers, long layerId)
    {
        await using var device = await layers.BootSnapshotAsync(layerId, Token);
        var content = new byte[device.Size];
        await device.ReadAsync(0, content, Token);
        return content;
    }
}
