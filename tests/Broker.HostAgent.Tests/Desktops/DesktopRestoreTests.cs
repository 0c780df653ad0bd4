using Broker.Contracts.V1;
using Broker.HostAgent.Broker;
using Broker.HostAgent.Desktops;

namespace Broker.HostAgent.Tests.Desktops;

/// <summary>ROLL_BACK_TO_SNAPSHOT: once per epoch; the broker re-sends it until it hears ROLLBACK_COMPLETED.</summary>
public sealed class DesktopRestoreTests : IAsyncDisposable
{
    private static readonly string DesktopId = Guid.NewGuid().ToString();
    private static readonly string ImageId = Guid.NewGuid().ToString();

    private readonly DesktopManagerHarness _host = new(TimeProvider.System);

    [Fact]
    public async Task Restore_RepeatedAtTheSameEpoch_KeepsWhatWasWrittenSinceAndReportsCompletionAgain()
    {
        await _host.RestartAsync();
        await _host.ImportImageAsync(ImageId, Enumerable.Repeat((byte)0xA1, 64 * 1024).ToArray());
        (await _host.ApplyAsync(new AgentCommand { Kind = AgentCommandKind.ProvisionDesktop, DesktopId = DesktopId, ImageId = ImageId, Epoch = 1 })).Succeeded.ShouldBeTrue();
        await _host.WriteAsync(DesktopId, 1024 * 1024, 0x11);
        var snapshot = await _host.Layers(DesktopId).SealAsync(TestContext.Current.CancellationToken);
        await _host.WriteAsync(DesktopId, 1024 * 1024, 0x22);
        var restore = new AgentCommand
        {
            Kind = AgentCommandKind.RollBackToSnapshot,
            CommandId = "restore-1",
            DesktopId = DesktopId,
            Epoch = 2,
            LayerId = WireLayerIds.ToWire(snapshot.Id),
        };

        (await _host.ApplyAsync(restore)).ShouldBe(CommandOutcome.Done);
        (await _host.ReadLiveAsync(DesktopId))[1024 * 1024].ShouldBe((byte)0x11);
        await _host.WriteAsync(DesktopId, 2 * 1024 * 1024, 0x33);
        var again = restore.Clone();
        again.CommandId = "restore-1-again";
        var repeat = await _host.ApplyAsync(again);

        repeat.Succeeded.ShouldBeTrue();
        repeat.Detail.ShouldNotBeEmpty();
        (await _host.ReadLiveAsync(DesktopId))[2 * 1024 * 1024].ShouldBe((byte)0x33, "a repeated restore keeps what was written since");
        _host.Manager.Observe().ShouldHaveSingleItem().Epoch.ShouldBe(2UL);
        Completions().ShouldBe([2UL, 2UL]);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private List<ulong> Completions()
    {
        var epochs = new List<ulong>();
        while (_host.Manager.Reports.Reader.TryRead(out var report))
        {
            if (report.Kind == DesktopReportKind.RollbackCompleted)
            {
                epochs.Add(report.Epoch);
            }
        }

        return epochs;
    }
}
