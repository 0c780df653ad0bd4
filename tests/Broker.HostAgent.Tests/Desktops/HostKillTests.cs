using System.Globalization;
using Broker.Contracts.V1;
using Broker.Disks.Crashes;
using Broker.Testing.Qemu;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Google.Protobuf.WellKnownTypes;

namespace Broker.HostAgent.Tests.Desktops;

/// <summary>
/// Kill -9 of the host agent (a worker process running its desktop manager) at the named crash points
/// of a periodic snapshot and its merges, a revoke and a reset to another image: the next start,
/// given the broker's commands again, reaches a stable state by itself, keeps every flushed write,
/// leaves chains that pass check, no QEMU behind and base references that match their holders.
/// </summary>
public sealed class HostKillTests : IAsyncDisposable
{
    private const ulong CheckOutEpoch = 2;
    private const ulong RevokeEpoch = 3;
    private const int DayAhead = 24;
    private const string DeviceId = "device-1";

    private static readonly string DesktopId = Guid.NewGuid().ToString();
    private static readonly string ImageA = Guid.NewGuid().ToString();
    private static readonly string ImageB = Guid.NewGuid().ToString();

    private readonly ShiftedClock _clock = new();
    private readonly DesktopManagerHarness _host;

    public HostKillTests() => _host = new DesktopManagerHarness(_clock);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> SnapshotPoints() =>
    [
        HostCrashPoints.SnapshotSealed.Name,
        HostCrashPoints.SnapshotMerged.Name,
        DiskCrashPoints.SealChildCreated.Name,
        DiskCrashPoints.MergeSwitched.Name,
    ];

    public static TheoryData<string> RevokePoints() => [HostCrashPoints.Revoked.Name, HostCrashPoints.Unlocked.Name];

    public static TheoryData<string> ResetPoints() => [HostCrashPoints.ResetReferenced.Name, HostCrashPoints.ResetSwitched.Name];

    [Theory]
    [MemberData(nameof(SnapshotPoints))]
    public async Task KilledDuringSnapshot_RestartKeepsTheWrites_ChainsCheck_NoQemuLeft_NextRoundCompletes(string point)
    {
        await ProvisionAsync(ImageA, TestGuests.Halt, new SnapshotRetention { Hourly = 1, Interval = Duration.FromTimeSpan(TimeSpan.FromHours(1)) });
        for (var round = 0; round < 2; round++)
        {
            await _host.WriteAsync(DesktopId, (1 + round) * 1024L * 1024, (byte)(0x10 + round));
            _ = await _host.Layers(DesktopId).SealAsync(Token);
        }

        await _host.WriteAsync(DesktopId, 3L * 1024 * 1024, 0x30);
        var written = await _host.ReadLiveAsync(DesktopId);
        await _host.StopAsync();

        await KillWorkerAsync(DayAhead, [HostWorker.Step(Command(AgentCommandKind.StartDesktop, 1)), HostWorker.Snapshot], point);

        (await QemuLeftBehindAsync()).ShouldBeNull("QEMU dies with the agent");
        _clock.Advance(TimeSpan.FromHours(DayAhead));
        await _host.RestartAsync();
        (await _host.ReadLiveAsync(DesktopId)).ShouldBe(written, "no flushed write is lost");
        await ChainsCheckAsync();

        (await _host.ApplyAsync(Command(AgentCommandKind.StartDesktop, 1))).Succeeded.ShouldBeTrue();
        await _host.WriteAsync(DesktopId, 5L * 1024 * 1024, 0x50);
        _clock.Advance(TimeSpan.FromHours(2));
        await _host.Manager.TakeDueSnapshotsAsync(Token);

        _host.Log.Errors.ShouldBeEmpty();
        _host.Manager.RunningVms.ShouldBe(1, "one QEMU, not two");
        _host.Layers(DesktopId).Manifest.CurrentChain().Count.ShouldBe(1, "retention kept the newest hour only");
        (await _host.ReadLiveAsync(DesktopId))[3 * 1024 * 1024].ShouldBe((byte)0x30);
        await ChainsCheckAsync();
    }

    [Theory]
    [MemberData(nameof(RevokePoints))]
    public async Task KilledDuringRevoke_TheRepeatedCommandsUnlockAndReportTheResumeUntilAcknowledged(string point)
    {
        await ProvisionAsync(ImageA, TestGuests.Halt, retention: null);
        await _host.WriteAsync(DesktopId, 1024 * 1024, 0x11);
        var written = await _host.ReadLiveAsync(DesktopId);
        var serve = Command(AgentCommandKind.ServeTransfer, CheckOutEpoch);
        serve.DeviceId = DeviceId;
        (await _host.ApplyAsync(serve)).Succeeded.ShouldBeTrue();
        await _host.StopAsync();
        var quarantine = Command(AgentCommandKind.QuarantineLatePushes, RevokeEpoch);
        quarantine.DeviceId = DeviceId;
        quarantine.RevokedEpoch = CheckOutEpoch;
        var unlock = Command(AgentCommandKind.UnlockAndResume, RevokeEpoch);

        await KillWorkerAsync(0, [HostWorker.Step(quarantine), HostWorker.Step(unlock)], point);

        await _host.RestartAsync();
        (await _host.ApplyAsync(quarantine)).Succeeded.ShouldBeTrue();
        (await _host.ApplyAsync(unlock)).Succeeded.ShouldBeTrue();

        var observed = _host.Manager.Observe().ShouldHaveSingleItem();
        (observed.Locked, observed.Epoch).ShouldBe((false, RevokeEpoch));
        var resumed = QueuedReports().Where(report => report.Kind == DesktopReportKind.ServerCopyResumed).ToList();
        resumed.ShouldNotBeEmpty("the broker must hear of the resume");
        resumed.ShouldAllBe(report => report.Epoch == RevokeEpoch);
        (await _host.ReadLiveAsync(DesktopId)).ShouldBe(written);

        await _host.Manager.OnReportAcknowledgedAsync(resumed[0], Token);
        await _host.RestartAsync();
        QueuedReports().ShouldNotContain(report => report.Kind == DesktopReportKind.ServerCopyResumed, "an acknowledged resume is not reported again");
    }

    [Theory]
    [MemberData(nameof(ResetPoints))]
    public async Task KilledDuringResetToAnotherImage_RestartAndRepeat_LeaveOneReferencePerHolder(string point)
    {
        await ProvisionAsync(ImageA, TestGuests.Halt, retention: null);
        await _host.ImportImageAsync(ImageB, [0xB2, 0xB2, 0xB2, 0xB2]);
        await _host.WriteAsync(DesktopId, 1024 * 1024, 0x11);
        await _host.StopAsync();
        var reset = Command(AgentCommandKind.ResetToImage, 2);
        reset.ImageId = ImageB;

        await KillWorkerAsync(0, [HostWorker.Step(reset)], point);

        await _host.RestartAsync();
        (await _host.ApplyAsync(reset)).Succeeded.ShouldBeTrue();

        References(ImageA).ShouldBe(1, "image A: its name only");
        References(ImageB).ShouldBe(2, "image B: its name and the desktop");
        _host.Manager.Observe().ShouldHaveSingleItem().Epoch.ShouldBe(2UL);
        (await _host.ReadLiveAsync(DesktopId))[..4].ShouldBe(new byte[] { 0xB2, 0xB2, 0xB2, 0xB2 });
        (await _host.ReadLiveAsync(DesktopId))[1024 * 1024].ShouldBe((byte)0, "the old chain's writes are gone with it");
        await ChainsCheckAsync();
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task ProvisionAsync(string imageId, string guest, SnapshotRetention? retention)
    {
        await _host.RestartAsync();
        await _host.ImportImageAsync(imageId, await File.ReadAllBytesAsync(TestGuests.ImagePath(guest), Token));
        var provision = Command(AgentCommandKind.ProvisionDesktop, 1);
        provision.ImageId = imageId;
        provision.Retention = retention;
        (await _host.ApplyAsync(provision)).Succeeded.ShouldBeTrue();
    }

    /// <summary>Runs the worker with <paramref name="point"/> armed and checks it died there.</summary>
    private async Task KillWorkerAsync(int aheadHours, string[] steps, string point)
    {
        var result = await HostWorker.RunAsync(_host.DataDirectory, aheadHours, steps, point, Token);
        result.ExitCode.ShouldBe(HostWorker.KilledExitCode, result.ToString());
        result.StandardError.ShouldContain($"crash point {point}#1 reached");
    }

    /// <summary>The QEMU the desktop's pid file names, if it still runs.</summary>
    /// <summary>
    /// The QEMU of the killed agent still alive after 10 s, or null. The kernel sends its parent-death
    /// signal when the agent dies, but QEMU takes a moment to exit after it (CI once saw it alive at once).
    /// </summary>
    private async Task<int?> QemuLeftBehindAsync()
    {
        var pidFile = new HostAgentPaths(_host.DataDirectory).Desktop(DesktopId).PidFile;
        if (!File.Exists(pidFile) || !int.TryParse((await File.ReadAllTextAsync(pidFile, Token)).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        for (var waited = TimeSpan.Zero; ProcessProbe.IsAlive(pid); waited += TimeSpan.FromMilliseconds(50))
        {
            if (waited >= TimeSpan.FromSeconds(10))
            {
                return pid;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), Token);
        }

        return null;
    }

    private async Task ChainsCheckAsync()
    {
        var layers = _host.Layers(DesktopId);
        foreach (var layer in layers.Manifest.CurrentChain())
        {
            (await VhdxFile.CheckAsync(FileStorage.Instance, layers.PathOf(layer), Token)).Problems.ShouldBeEmpty();
        }
    }

    private List<DesktopReport> QueuedReports()
    {
        var reports = new List<DesktopReport>();
        while (_host.Manager.Reports.Reader.TryRead(out var report))
        {
            reports.Add(report);
        }

        return reports;
    }

    private int References(string imageId) => _host.Manager.Images.Resolve(imageId)!.References;

    private static AgentCommand Command(AgentCommandKind kind, ulong epoch) =>
        new() { Kind = kind, DesktopId = DesktopId, Epoch = epoch, CommandId = $"{kind}-{epoch}" };
}
