using System.Text.RegularExpressions;
using Broker.Contracts.V1;
using Broker.Testing.Qemu;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Google.Protobuf.WellKnownTypes;

namespace Broker.HostAgent.Tests.Desktops;

/// <summary>
/// Periodic snapshots of running desktops (design §9) with real QEMU over the agent's NBD export:
/// sealed every interval while something was written, expired ones merged away per retention.
/// </summary>
public sealed partial class DesktopSnapshotTests : IAsyncDisposable
{
    private static readonly string DesktopId = Guid.NewGuid().ToString();
    private static readonly string ImageId = Guid.NewGuid().ToString();
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly ShiftedClock _clock = new();
    private readonly DesktopManagerHarness _host;

    public DesktopSnapshotTests() => _host = new DesktopManagerHarness(_clock);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunningDesktop_SealedEveryInterval_ExpiredSnapshotsMergedIntoTheirSuccessors()
    {
        await StartHaltedDesktopAsync(new SnapshotRetention { Hourly = 2, Interval = Duration.FromTimeSpan(Interval) });
        var layers = _host.Layers(DesktopId);
        var contents = new List<byte[]>();

        for (var round = 0; round < 5; round++)
        {
            await _host.WriteAsync(DesktopId, (2 + round) * 1024L * 1024, (byte)(0x20 + round));
            contents.Add(await _host.ReadLiveAsync(DesktopId));
            _clock.Advance(Interval);

            await _host.Manager.TakeDueSnapshotsAsync(Token);

            _host.Log.Errors.ShouldBeEmpty();
            var newest = layers.Manifest.CurrentChain()[^1];
            (await _host.ReadSnapshotAsync(DesktopId, newest.Id)).ShouldBe(contents[^1], $"the snapshot of round {round}");
        }

        // Two hours kept: the older of them was merged into from every layer before it.
        var chain = layers.Manifest.CurrentChain();
        chain.Count.ShouldBe(2);
        (await _host.ReadSnapshotAsync(DesktopId, chain[0].Id)).ShouldBe(contents[3]);
        (await _host.ReadSnapshotAsync(DesktopId, chain[1].Id)).ShouldBe(contents[4]);
        (await _host.ReadLiveAsync(DesktopId)).ShouldBe(contents[4]);
        _host.Manager.RunningVms.ShouldBe(1);
        foreach (var layer in chain)
        {
            (await VhdxFile.CheckAsync(FileStorage.Instance, layers.PathOf(layer), Token)).Problems.ShouldBeEmpty();
        }

        Directory.EnumerateFiles(layers.Directory, "*.avhdx").Count().ShouldBe(chain.Count + 1, "the merged layers' files are gone");
    }

    [Fact]
    public async Task Desktop_NotSealedBeforeTheInterval_NorWithNothingWritten_NorWhileStopped()
    {
        await StartHaltedDesktopAsync(new SnapshotRetention { Hourly = 24, Interval = Duration.FromTimeSpan(Interval) });
        var layers = _host.Layers(DesktopId);

        await _host.WriteAsync(DesktopId, 1024 * 1024, 0x11);
        _clock.Advance(Interval / 2);
        await _host.Manager.TakeDueSnapshotsAsync(Token);
        layers.Manifest.Layers.ShouldBeEmpty("the top is not an interval old");

        _clock.Advance(Interval / 2);
        await _host.Manager.TakeDueSnapshotsAsync(Token);
        layers.Manifest.Layers.Count.ShouldBe(1);

        _clock.Advance(Interval);
        await _host.Manager.TakeDueSnapshotsAsync(Token);
        layers.Manifest.Layers.Count.ShouldBe(1, "nothing was written since the last seal");

        (await _host.ApplyAsync(Command(AgentCommandKind.StopDesktop))).Succeeded.ShouldBeTrue();
        await _host.WriteAsync(DesktopId, 3L * 1024 * 1024, 0x33);
        _clock.Advance(Interval);
        await _host.Manager.TakeDueSnapshotsAsync(Token);
        layers.Manifest.Layers.Count.ShouldBe(1, "a stopped desktop is not snapshotted");
        _host.Log.Errors.ShouldBeEmpty();
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Provisions the desktop over the halt guest (it runs until stopped, writing nothing) with <paramref name="retention"/>, starts it and waits until it halted.</summary>
    private async Task StartHaltedDesktopAsync(SnapshotRetention retention)
    {
        await _host.RestartAsync();
        await _host.ImportImageAsync(ImageId, await File.ReadAllBytesAsync(TestGuests.ImagePath(TestGuests.Halt), Token));
        var provision = Command(AgentCommandKind.ProvisionDesktop);
        provision.ImageId = ImageId;
        provision.Retention = retention;
        (await _host.ApplyAsync(provision)).Succeeded.ShouldBeTrue();
        (await _host.ApplyAsync(Command(AgentCommandKind.StartDesktop))).Succeeded.ShouldBeTrue();
        _ = await SerialLog.WaitForAsync(new HostAgentPaths(_host.DataDirectory).Desktop(DesktopId).SerialLog, Halted(), Token);
    }

    private static AgentCommand Command(AgentCommandKind kind) => new() { Kind = kind, DesktopId = DesktopId, Epoch = 1, CommandId = Guid.NewGuid().ToString() };

    [GeneratedRegex("halted")]
    private static partial Regex Halted();
}
