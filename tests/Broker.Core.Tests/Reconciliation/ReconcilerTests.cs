using Broker.Core.Desktops;
using Broker.Core.Desktops.Commands;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Broker.Core.Quarantine;
using Broker.Core.Reconciliation;
using Microsoft.Extensions.Time.Testing;
using static Broker.Core.Tests.Desktops.DesktopSamples;

namespace Broker.Core.Tests.Reconciliation;

public sealed class ReconcilerTests
{
    private static readonly ReconcileOptions Options = ReconcileOptions.Default;
    private static readonly Pool PoolOfDesk = Pool.Create(
        PoolA, new PoolDraft("laptops", PoolKind.Dedicated, ImageA, 1, new OfflinePolicy { Allowed = true, WipeOnRevoke = true })).Value!;

    private static readonly ObservedState Nothing = new([], []);

    private readonly FakeTimeProvider _time = new(Start);

    [Fact]
    public void Reconcile_HostSilentForThreeHeartbeats_StaysHealthyThenGoesOfflineOneTickLater()
    {
        // Arrange
        var host = HostSeenNow();
        var desired = Desired([], [host], []);

        // Act
        _time.Advance(Options.HostHeartbeat * Options.MissedHeartbeats);
        var atLimit = Reconciler.Reconcile(desired, Nothing, _time.GetUtcNow(), Options);
        _time.Advance(TimeSpan.FromTicks(1));
        var pastLimit = Reconciler.Reconcile(desired, Nothing, _time.GetUtcNow(), Options);

        // Assert
        atLimit.HostChanges.ShouldBeEmpty();
        pastLimit.HostChanges.ShouldBe([host with { Health = HostHealth.Offline }]);
    }

    [Fact]
    public void Reconcile_DeviceSilentTooLong_IsMarkedOffline()
    {
        // Arrange
        var device = DeviceSeenNow();
        _time.Advance(Options.DeviceHeartbeat * Options.MissedHeartbeats + TimeSpan.FromSeconds(1));

        // Act
        var plan = Reconciler.Reconcile(Desired([], [], [device]), Nothing, _time.GetUtcNow(), Options);

        // Assert
        plan.DeviceChanges.ShouldBe([device with { Online = false }]);
    }

    [Fact]
    public void Reconcile_ReportFromOfflineHost_BringsItBackWithTheHealthItReports()
    {
        // Arrange
        var host = HostSeenNow() with { Health = HostHealth.Offline, LastSeen = Start.AddHours(-1) };
        var report = new HostReport(HostA, _time.GetUtcNow(), Healthy: false, []);

        // Act
        var plan = Reconciler.Reconcile(Desired([], [host], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostChanges.ShouldBe([host with { Health = HostHealth.Unhealthy, LastSeen = _time.GetUtcNow() }]);
    }

    [Fact]
    public void Reconcile_HostMatchesDesiredState_GetsNoCommands()
    {
        // Arrange
        var desktop = InState(DesktopState.CheckedOut);
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, desktop.Epoch, Locked: true, Running: false)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([desktop], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands.ShouldBeEmpty();
    }

    [Fact]
    public void Reconcile_HostMissedTheCheckOutGrant_IsToldToLockAndAcceptTheDevice()
    {
        // Arrange
        var desktop = InState(DesktopState.CheckedOut);
        var stale = new Epoch(desktop.Epoch.Value - 1);
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, stale, Locked: false, Running: true)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([desktop], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands[HostA].ShouldBe(
        [
            new LockServerCopy(HostA, DeskId, desktop.Epoch),
            new AcceptDevicePushes(HostA, DeskId, desktop.Epoch, DeviceA),
        ]);
    }

    [Fact]
    public void Reconcile_HostStillLockedAfterRevoke_IsToldToUnlockAtTheNewEpoch()
    {
        // Arrange
        var revoked = InState(DesktopState.Revoked);
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, new Epoch(revoked.Epoch.Value - 1), Locked: true, Running: false)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([revoked], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands[HostA].ShouldBe([new UnlockAndResume(HostA, DeskId, revoked.Epoch)]);
    }

    [Fact]
    public void Reconcile_PromotionAskedAtTheEpochTheHostReports_IsSentUntilTheHostReportsItDone()
    {
        // Arrange
        var revoked = InState(DesktopState.Revoked);
        var asked = Quarantined(revoked) with { PromoteEpoch = revoked.Epoch, PromoteRequestedAt = Start };
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, revoked.Epoch, Locked: false, Running: false)]);

        // Act
        var pending = Reconciler.Reconcile(Desired([revoked], [HostSeenNow()], []) with { Promotions = [asked] }, Observed(report), _time.GetUtcNow(), Options);
        var done = Reconciler.Reconcile(
            Desired([revoked], [HostSeenNow()], []) with { Promotions = [asked with { PromotedAt = Start }] }, Observed(report), _time.GetUtcNow(), Options);

        // Assert
        pending.HostCommands[HostA].ShouldBe([new PromoteQuarantinedLayer(HostA, DeskId, revoked.Epoch, asked.Layer)]);
        done.HostCommands[HostA].ShouldBeEmpty();
    }

    [Theory]
    [InlineData(DesktopState.CheckOutRequested, 0, 0)] // a check-out started after the admin asked
    [InlineData(DesktopState.Committing, 2, 0)] // asked while Available at epoch 1, checked out and in since: the ask is stale
    [InlineData(DesktopState.Revoked, 0, -1)] // the host has not applied the revoke yet
    public void Reconcile_PromotionTheDesktopCannotTakeNow_IsNotSent(DesktopState state, int askedEpochsAgo, int hostEpochOffset)
    {
        // Arrange
        var desktop = state == DesktopState.Committing
            ? Drive(InState(state), DesktopEventKind.CheckInCommitted)
            : InState(state);
        var asked = Quarantined(desktop) with { PromoteEpoch = new Epoch(desktop.Epoch.Value - askedEpochsAgo), PromoteRequestedAt = Start };
        var seenAt = new Epoch(desktop.Epoch.Value + hostEpochOffset);
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, seenAt, Locked: false, Running: false)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([desktop], [HostSeenNow()], []) with { Promotions = [asked] }, Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands[HostA].OfType<PromoteQuarantinedLayer>().ShouldBeEmpty();
    }

    [Fact]
    public void Reconcile_DeletedDesktopStillOnHostAndProvisioningDesktopMissing_DeletesOneAndBuildsTheOther()
    {
        // Arrange
        var deleted = InState(DesktopState.Deleted);
        var provisioning = DesktopStateMachine.Create(DesktopId.New(), PoolA, "desk-02", HostA, ImageA).Desktop;
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, deleted.Epoch, false, false)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([deleted, provisioning], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands[HostA].ShouldBe(
        [
            new DeleteDesktop(HostA, DeskId, deleted.Epoch),
            new ProvisionDesktop(HostA, provisioning.Id, Epoch.Initial, ImageA),
        ]);
    }

    [Fact]
    public void Reconcile_HostHoldsADesktopTheBrokerStillProvisions_IsAskedToProvisionAgain()
    {
        // Arrange: the host built the desktop, but its ProvisioningCompleted report was lost.
        var provisioning = DesktopStateMachine.Create(DeskId, PoolA, "desk-01", HostA, ImageA).Desktop;
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, provisioning.Epoch, false, false)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([provisioning], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert: the host answers a repeat by reporting completion again.
        plan.HostCommands[HostA].ShouldBe([new ProvisionDesktop(HostA, DeskId, provisioning.Epoch, ImageA)]);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Reconcile_StartOrStopTheHostWasNotSeenToCarryOut_IsOrderedAgain(bool requested, bool running)
    {
        // Arrange: the order went nowhere (the host was away, or another instance held its stream).
        var desktop = InState(DesktopState.Available) with { PowerRequested = requested };
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, desktop.Epoch, false, running)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([desktop], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands[HostA].ShouldBe(
            [requested ? new StartDesktop(HostA, DeskId, desktop.Epoch, PoolOfDesk.Offline.Retention) : new StopDesktop(HostA, DeskId, desktop.Epoch)]);
        plan.DesktopChanges.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reconcile_HostShowsTheRequestedPowerState_ClearsTheRequest_AndOrdersNothing(bool requested)
    {
        // Arrange
        var desktop = InState(DesktopState.Available) with { PowerRequested = requested };
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, desktop.Epoch, false, requested)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([desktop], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands.ShouldBeEmpty();
        plan.DesktopChanges.ShouldBe([desktop with { PowerRequested = null }]);
    }

    [Fact]
    public void Reconcile_GuestThatPoweredItselfOffAfterItsStart_StaysOff()
    {
        // Arrange: the start was carried out and cleared; the guest shut down later.
        var desktop = InState(DesktopState.Available);
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, desktop.Epoch, false, false)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([desktop], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands.ShouldBeEmpty();
        plan.DesktopChanges.ShouldBeEmpty();
    }

    [Fact]
    public void Reconcile_StartOwedWhileTheHostStillHoldsTheCopyLocked_WaitsForTheUnlock()
    {
        // Arrange: checked in, the host has not yet applied the unlock.
        var desktop = InState(DesktopState.Available) with { PowerRequested = true };
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, desktop.Epoch, true, false)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([desktop], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands[HostA].ShouldBe([new UnlockAndResume(HostA, DeskId, desktop.Epoch)]);
        plan.DesktopChanges.ShouldBeEmpty();
    }

    [Fact]
    public void Reconcile_HostThatDidNotReport_GetsNoCommands()
    {
        // Arrange: the desktop needs a lock, but its host is silent this round.
        var desktop = InState(DesktopState.CheckedOut);

        // Act
        var plan = Reconciler.Reconcile(Desired([desktop], [HostSeenNow()], []), Nothing, _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands.ShouldBeEmpty();
    }

    [Fact]
    public void Reconcile_HostReportsADesktopTheBrokerDoesNotKnow_LeavesItAlone()
    {
        // Arrange
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DesktopId.New(), Epoch.Initial, false, true)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands.ShouldBeEmpty();
    }

    [Fact]
    public void Reconcile_RevokedDeviceReportsItsOldCopy_IsToldToGiveItUpPerPoolWipePolicy()
    {
        // Arrange
        var checkedOut = InState(DesktopState.CheckedOut);
        var revoked = DesktopStateMachine.Apply(checkedOut, new RevokeRequested(checkedOut.Epoch, WipeLocalCopy: true)).Desktop;
        var report = new DeviceReport(DeviceA, _time.GetUtcNow(), [new ObservedLocalCopy(DeskId, checkedOut.Epoch)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([revoked], [], [DeviceSeenNow()]), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.DeviceCommands[DeviceA].ShouldBe([new RevokeLocalCopy(DeviceA, DeskId, revoked.Epoch, Wipe: true)]);
    }

    [Fact]
    public void Reconcile_HolderThatMissedItsGrant_GetsTheLeaseAgain()
    {
        // Arrange
        var desktop = InState(DesktopState.CheckedOut);
        var report = new DeviceReport(DeviceA, _time.GetUtcNow(), [new ObservedLocalCopy(DeskId, new Epoch(desktop.Epoch.Value - 1))]);

        // Act
        var plan = Reconciler.Reconcile(Desired([desktop], [], [DeviceSeenNow()]), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.DeviceCommands[DeviceA].ShouldBe([new GrantLease(DeviceA, DeskId, desktop.Epoch, FirstLease)]);
    }

    [Fact]
    public void Reconcile_DeviceWithPartialPullOfACancelledCheckOut_IsToldToCancelIt()
    {
        // Arrange
        var cancelled = Drive(InState(DesktopState.Transferring), DesktopEventKind.CheckOutCancelled);
        var report = new DeviceReport(DeviceA, _time.GetUtcNow(), [new ObservedLocalCopy(DeskId, cancelled.Epoch)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([cancelled], [], [DeviceSeenNow()]), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.DeviceCommands[DeviceA].ShouldBe([new CancelTransfer(DeviceA, DeskId, cancelled.Epoch)]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Reconcile_ReleasedFloatingDesktop_IsResetUntilTheHostReportsItDone(int hostEpochsBehind)
    {
        // Arrange: the host missed the order (behind), or carried it out but its report got lost (level).
        var resetting = InState(DesktopState.Resetting);
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, new Epoch(resetting.Epoch.Value - hostEpochsBehind), Locked: false, Running: false)]);
        var done = Drive(resetting, DesktopEventKind.ResetCompleted);

        // Act
        var owed = Reconciler.Reconcile(Desired([resetting], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);
        var settled = Reconciler.Reconcile(Desired([done], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        owed.HostCommands[HostA].ShouldBe([new ResetToImage(HostA, DeskId, resetting.Epoch, ImageB)]);
        settled.HostCommands[HostA].ShouldNotContain(command => command is ResetToImage);
    }

    [Theory]
    [InlineData(DesktopState.Available, 0)]
    [InlineData(DesktopState.Available, 1)]
    [InlineData(DesktopState.Revoked, 1)]
    [InlineData(DesktopState.Revoked, 2)]
    public void Reconcile_Restore_IsSentUntilTheHostReportsItDone(DesktopState from, int hostEpochsBehind)
    {
        // Arrange
        var rollingBack = Drive(InState(from), DesktopEventKind.RollbackRequested);
        var report = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, new Epoch(rollingBack.Epoch.Value - hostEpochsBehind), Locked: hostEpochsBehind > 1, Running: false)]);

        // Act
        var plan = Reconciler.Reconcile(Desired([rollingBack], [HostSeenNow()], []), Observed(report), _time.GetUtcNow(), Options);

        // Assert
        plan.HostCommands[HostA].ShouldBe([new RollBackToSnapshot(HostA, DeskId, rollingBack.Epoch, SealedLayer)]);
    }

    [Fact]
    public void Reconcile_DeviceWithoutTheCopyItShouldBePulling_IsToldToPullAgainAndPausedIfTheUserPaused()
    {
        // Arrange: the host serves the device; START_PULL was lost, so the device reports no copy, or only an old one of an earlier check-out.
        var pulling = InState(DesktopState.Transferring);
        var paused = Drive(pulling, DesktopEventKind.TransferPaused);
        var host = new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, pulling.Epoch, Locked: true, Running: false, ServingDevice: DeviceA)]);
        var none = new DeviceReport(DeviceA, _time.GetUtcNow(), []);
        var old = new DeviceReport(DeviceA, _time.GetUtcNow(), [new ObservedLocalCopy(DeskId, new Epoch(pulling.Epoch.Value - 1))]);
        var current = new DeviceReport(DeviceA, _time.GetUtcNow(), [new ObservedLocalCopy(DeskId, pulling.Epoch)]);

        // Act
        ReconcilePlan Plan(Desktop desktop, DeviceReport device) =>
            Reconciler.Reconcile(Desired([desktop], [HostSeenNow()], [DeviceSeenNow()]), new ObservedState([host], [device]), _time.GetUtcNow(), Options);

        // Assert
        var pull = new StartPull(DeviceA, DeskId, pulling.Epoch, HostA);
        Plan(pulling, none).DeviceCommands[DeviceA].ShouldBe([pull]);
        Plan(pulling, old).DeviceCommands[DeviceA].ShouldBe([pull]);
        Plan(paused, none).DeviceCommands[DeviceA].ShouldBe([pull, new PauseTransfer(DeviceA, DeskId, pulling.Epoch)]);
        Plan(pulling, current).DeviceCommands[DeviceA].ShouldBeEmpty();
    }

    [Fact]
    public void Reconcile_TransferNotYetServedByTheHost_HostIsToldToServeAndTheDeviceWaits()
    {
        // Arrange: the host locked the server copy but serves no device yet (SERVE_TRANSFER lost or
        // on its way), or still serves the device of an earlier check-out.
        var pulling = InState(DesktopState.Transferring);
        var device = new DeviceReport(DeviceA, _time.GetUtcNow(), []);
        ReconcilePlan Plan(DeviceId? serving) => Reconciler.Reconcile(
            Desired([pulling], [HostSeenNow()], [DeviceSeenNow()]),
            new ObservedState([new HostReport(HostA, _time.GetUtcNow(), true, [new ObservedDesktop(DeskId, pulling.Epoch, Locked: true, Running: false, ServingDevice: serving)])], [device]),
            _time.GetUtcNow(),
            Options);

        foreach (var serving in new DeviceId?[] { null, OtherDevice })
        {
            // Act
            var plan = Plan(serving);

            // Assert
            plan.HostCommands[HostA].ShouldBe([new ServeTransfer(HostA, DeskId, pulling.Epoch, DeviceA)]);
            plan.DeviceCommands[DeviceA].ShouldBeEmpty();
        }

        // Once the host serves the device: the device pulls, the host is left alone.
        var served = Plan(DeviceA);
        served.HostCommands[HostA].ShouldBeEmpty();
        served.DeviceCommands[DeviceA].ShouldBe([new StartPull(DeviceA, DeskId, pulling.Epoch, HostA)]);
    }

    [Fact]
    public void Reconcile_PullOwedButTheSourceHostSilent_IsNotSent()
    {
        // Arrange
        var pulling = InState(DesktopState.Transferring);
        var device = new DeviceReport(DeviceA, _time.GetUtcNow(), []);

        // Act
        var plan = Reconciler.Reconcile(Desired([pulling], [HostSeenNow()], [DeviceSeenNow()]), Observed(device), _time.GetUtcNow(), Options);

        // Assert
        plan.DeviceCommands[DeviceA].ShouldBeEmpty();
    }

    [Fact]
    public void Reconcile_CheckOutsWaiting_AreAdmittedUpToTheHostTransferLimitAndOnlyForOnlineDevices()
    {
        // Arrange: limit 3, one transfer running; three wait, one of them for an offline device.
        var options = Options with { MaxConcurrentTransfersPerHost = 3 };
        var onlineDevice = DeviceSeenNow();
        var offlineDevice = onlineDevice with { Id = OtherDevice, LastSeen = Start.AddDays(-1), Online = false };
        var running = InState(DesktopState.Transferring) with { Id = DesktopId.New() };
        var waitingOffline = Waiting(OtherDevice, "desk-02");
        var waitingFirst = Waiting(DeviceA, "desk-03");
        var waitingSecond = Waiting(DeviceA, "desk-04");
        var waitingThird = Waiting(DeviceA, "desk-05");
        var report = new HostReport(HostA, _time.GetUtcNow(), true, []);

        // Act
        var plan = Reconciler.Reconcile(
            Desired([running, waitingOffline, waitingFirst, waitingSecond, waitingThird], [HostSeenNow()], [onlineDevice, offlineDevice]),
            Observed(report),
            _time.GetUtcNow(),
            options);

        // Assert
        plan.Admissions.ShouldBe([waitingFirst.Id, waitingSecond.Id]);
    }

    private static QuarantinedLayer Quarantined(Desktop desktop) => new()
    {
        Desktop = desktop.Id,
        Layer = LayerId.New(),
        RevokedEpoch = Epoch.Initial,
        Device = DeviceA,
        ReceivedAt = Start,
    };

    private static Desktop Waiting(DeviceId device, string name) =>
        DesktopStateMachine.Create(DesktopId.New(), PoolA, name, HostA, ImageA).Desktop with { State = DesktopState.CheckOutRequested, Device = device };

    private Host HostSeenNow() =>
        new() { Id = HostA, Name = "rack1-a", Capacity = 10, Health = HostHealth.Healthy, LastSeen = _time.GetUtcNow() };

    private Device DeviceSeenNow() =>
        new() { Id = DeviceA, Owner = new UserId("alice"), Name = "alice-laptop", Online = true, LastSeen = _time.GetUtcNow() };

    private static DesiredState Desired(IReadOnlyList<Desktop> desktops, IReadOnlyList<Host> hosts, IReadOnlyList<Device> devices) =>
        new(desktops, [PoolOfDesk], hosts, devices);

    private static ObservedState Observed(params HostReport[] hosts) => new(hosts, []);

    private static ObservedState Observed(params DeviceReport[] devices) => new([], devices);
}
