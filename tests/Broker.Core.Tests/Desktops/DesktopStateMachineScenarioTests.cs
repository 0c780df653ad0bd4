using Broker.Core.Desktops;
using Broker.Core.Desktops.Commands;
using Broker.Core.Desktops.Events;
using Broker.Core.Leases;
using static Broker.Core.Tests.Desktops.DesktopSamples;

namespace Broker.Core.Tests.Desktops;

public sealed class DesktopStateMachineScenarioTests
{
    [Fact]
    public void Create_NewDesktop_IsProvisioningAtTheInitialEpochWithAnOrderToBuildIt()
    {
        // Act
        var result = DesktopStateMachine.Create(DeskId, PoolA, "desk-01", HostA, ImageA);

        // Assert
        result.Desktop.State.ShouldBe(DesktopState.Provisioning);
        result.Desktop.Epoch.ShouldBe(Epoch.Initial);
        result.Commands.ShouldBe([new ProvisionDesktop(HostA, DeskId, Epoch.Initial, ImageA)]);
    }

    [Fact]
    public void Apply_FullCheckOutSyncAndCheckInCycle_MovesAuthorityOutAndBackWithTwoEpochIncrements()
    {
        // Arrange
        var desktop = InState(DesktopState.Available);
        var e1 = desktop.Epoch;

        // Act + Assert: request and preparation keep the epoch; the host is told to seal and lock.
        desktop = Step(desktop, new CheckOutRequested(e1, DeviceA), []);
        desktop = Step(desktop, new CheckOutAdmitted(e1), [new StopAndSeal(HostA, DeskId, e1), new LockServerCopy(HostA, DeskId, e1)]);
        desktop.ServerCopyLocked.ShouldBeTrue();
        desktop = Step(desktop, new ServerCopyPrepared(e1, SealedLayer), [new ServeTransfer(HostA, DeskId, e1, DeviceA)]);

        // Check-out granted: epoch e1 + 1, the device holds the lease for it.
        var e2 = e1.Next();
        desktop = Step(desktop, new TransferCompleted(e1, FirstLease), [new AcceptDevicePushes(HostA, DeskId, e2, DeviceA), new GrantLease(DeviceA, DeskId, e2, FirstLease)]);
        desktop.State.ShouldBe(DesktopState.CheckedOut);
        desktop.Lease.ShouldBe(new Lease(e2, FirstLease));
        desktop.DeviceHoldsAuthority.ShouldBeTrue();

        // Background syncs and a heartbeat keep state and epoch.
        var firstAck = Start.AddHours(1);
        desktop = Step(desktop, new SyncAcknowledged(e2, PushedLayer, firstAck), []);
        desktop = Step(desktop, new LeaseRenewed(e2, RenewedLease), [new RenewLease(DeviceA, DeskId, e2, RenewedLease)]);
        desktop.LastSyncAt.ShouldBe(firstAck);
        desktop.Lease!.Term.ShouldBe(RenewedLease);

        // Check-in: final layer, commit, epoch e2 + 1, the server is the writer again.
        var finalLayer = LayerId.New();
        desktop = Step(desktop, new CheckInRequested(e2), [new BeginCheckIn(DeviceA, DeskId, e2)]);
        desktop = Step(desktop, new FinalUploadStarted(e2), []);
        desktop = Step(desktop, new FinalLayerUploaded(e2, finalLayer, firstAck.AddHours(1)), [new CommitCheckIn(HostA, DeskId, e2, finalLayer)]);
        var e3 = e2.Next();
        desktop = Step(desktop, new CheckInCommitted(e2), [new UnlockAndResume(HostA, DeskId, e3), new ReleaseLocalCopy(DeviceA, DeskId, e3)]);

        desktop.State.ShouldBe(DesktopState.Available);
        desktop.Epoch.ShouldBe(new Epoch(e1.Value + 2));
        desktop.ServerCopyLocked.ShouldBeFalse();
        desktop.Device.ShouldBeNull();
        desktop.Lease.ShouldBeNull();
        desktop.LastAckedLayer.ShouldBe(finalLayer);
        desktop.Assignee.ShouldBe(User);
    }

    [Fact]
    public void Apply_RevokeWhileCheckedOut_MovesAuthorityToTheServerAtTheNextEpochAndQuarantinesTheOldOne()
    {
        // Arrange
        var desktop = InState(DesktopState.CheckedOut);
        var held = desktop.Epoch;
        var next = held.Next();

        // Act
        var result = DesktopStateMachine.Apply(desktop, new RevokeRequested(held, WipeLocalCopy: false));

        // Assert
        result.Desktop.State.ShouldBe(DesktopState.Revoked);
        result.Desktop.Epoch.ShouldBe(next);
        result.Desktop.ServerCopyLocked.ShouldBeFalse();
        result.Desktop.DeviceHoldsAuthority.ShouldBeFalse();
        result.Desktop.LastRevocation.ShouldBe(new Revocation(DeviceA, held));
        result.Commands.ShouldBe(
        [
            new QuarantineLatePushes(HostA, DeskId, next, DeviceA, held),
            new UnlockAndResume(HostA, DeskId, next),
            new RevokeLocalCopy(DeviceA, DeskId, next, Wipe: false),
        ]);
    }

    [Fact]
    public void Apply_LatePushFromRevokedDevice_IsRejectedAsStaleAndChangesNothing()
    {
        // Arrange
        var checkedOut = InState(DesktopState.CheckedOut);
        var revoked = DesktopStateMachine.Apply(checkedOut, new RevokeRequested(checkedOut.Epoch, WipeLocalCopy: true)).Desktop;

        // Act
        var result = DesktopStateMachine.Apply(revoked, new SyncAcknowledged(checkedOut.Epoch, PushedLayer, Start.AddDays(1)));

        // Assert
        result.Error.ShouldBe(new StaleEpoch(DesktopState.Revoked, DesktopEventKind.SyncAcknowledged, revoked.Epoch, checkedOut.Epoch));
        result.Desktop.ShouldBeSameAs(revoked);
        result.Commands.ShouldBeEmpty();
    }

    [Fact]
    public void Apply_ServerCopyResumedAfterRevoke_MakesTheDesktopAvailableOnTheServer()
    {
        // Arrange
        var revoked = InState(DesktopState.Revoked);

        // Act
        var result = DesktopStateMachine.Apply(revoked, new ServerCopyResumed(revoked.Epoch));

        // Assert
        result.Desktop.State.ShouldBe(DesktopState.Available);
        result.Desktop.Epoch.ShouldBe(revoked.Epoch);
        DesktopStateMachine.Apply(result.Desktop, new StartRequested(revoked.Epoch, Retention)).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void Apply_RequestFromAPageReadBeforeACheckIn_IsRejectedAsStale()
    {
        // Arrange: the user's page showed the desktop checked out at epoch 2; it has since been checked in (epoch 3).
        var checkedOut = InState(DesktopState.CheckedOut);
        var checkedIn = Drive(InState(DesktopState.Committing), DesktopEventKind.CheckInCommitted);

        // Act
        var result = DesktopStateMachine.Apply(checkedIn, new CheckOutRequested(checkedOut.Epoch, DeviceA));

        // Assert
        result.Error.ShouldBeOfType<StaleEpoch>().Given.ShouldBe(checkedOut.Epoch);
        result.Desktop.ShouldBeSameAs(checkedIn);
    }

    [Fact]
    public void Apply_PauseResumeThenCancelDuringTransfer_ReturnsToAvailableAtTheSameEpochWithTheServerCopyUnlocked()
    {
        // Arrange
        var desktop = InState(DesktopState.Transferring);
        var epoch = desktop.Epoch;

        // Act
        desktop = Step(desktop, new TransferPaused(epoch), [new PauseTransfer(DeviceA, DeskId, epoch)]);
        desktop.TransferPaused.ShouldBeTrue();
        desktop = Step(desktop, new TransferResumed(epoch), [new ResumeTransfer(DeviceA, DeskId, epoch)]);
        desktop.State.ShouldBe(DesktopState.Transferring);
        desktop = Step(desktop, new CheckOutCancelled(epoch), [new CancelTransfer(DeviceA, DeskId, epoch), new UnlockAndResume(HostA, DeskId, epoch)]);

        // Assert
        desktop.State.ShouldBe(DesktopState.Available);
        desktop.Epoch.ShouldBe(epoch);
        desktop.ServerCopyLocked.ShouldBeFalse();
        desktop.Device.ShouldBeNull();
        desktop.TransferPaused.ShouldBeFalse();
    }

    [Fact]
    public void Apply_ReleaseOfAvailableDesktop_ResetsItToTheGivenImageAtTheNextEpochAndUnassignsIt()
    {
        // Arrange
        var desktop = InState(DesktopState.Available);
        var next = desktop.Epoch.Next();

        // Act
        var resetting = Step(desktop, new Released(desktop.Epoch, ImageB), [new ResetToImage(HostA, DeskId, next, ImageB)]);
        var done = Step(resetting, new ResetCompleted(next), []);

        // Assert
        resetting.State.ShouldBe(DesktopState.Resetting);
        resetting.Assignee.ShouldBeNull();
        resetting.Image.ShouldBe(ImageB);
        done.State.ShouldBe(DesktopState.Available);
        done.Epoch.ShouldBe(next);
    }

    [Fact]
    public void Apply_DeviceCancelsAfterItsCheckOutWasGranted_ReturnsToTheServerCopyAtTheNextEpoch()
    {
        // Arrange: the grant is on its way (or lost) when the device gives the check-out back.
        var desktop = InState(DesktopState.CheckedOut);
        var next = desktop.Epoch.Next();

        // Act
        var available = Step(desktop, new CheckOutCancelled(desktop.Epoch), [new CancelTransfer(DeviceA, DeskId, next), new UnlockAndResume(HostA, DeskId, next)]);

        // Assert
        available.State.ShouldBe(DesktopState.Available);
        available.Epoch.ShouldBe(next);
        available.ServerCopyLocked.ShouldBeFalse();
        available.Device.ShouldBeNull();
        available.Lease.ShouldBeNull();
        available.DeviceHoldsAuthority.ShouldBeFalse();
        available.LastAckedLayer.ShouldBe(desktop.LastAckedLayer);
    }

    [Fact]
    public void Apply_Start_CarriesThePoolsSnapshotScheduleToTheHost()
    {
        // Arrange
        var desktop = InState(DesktopState.Available);

        // Act
        var result = DesktopStateMachine.Apply(desktop, new StartRequested(desktop.Epoch, Retention));

        // Assert
        result.Commands.ShouldBe([new StartDesktop(HostA, DeskId, desktop.Epoch, Retention)]);
        result.Desktop.ShouldBe(desktop with { PowerRequested = true }, "the start is owed until the host is seen running");
    }

    [Fact]
    public void Apply_StopThenCheckOut_StopIsOwedUntilTheCheckOutMakesItMoot()
    {
        // Arrange
        var desktop = InState(DesktopState.Available);

        // Act
        var stopped = DesktopStateMachine.Apply(desktop, new StopRequested(desktop.Epoch));
        var checkOut = DesktopStateMachine.Apply(stopped.Desktop, new CheckOutRequested(desktop.Epoch, DeviceA));

        // Assert
        stopped.Commands.ShouldBe([new StopDesktop(HostA, DeskId, desktop.Epoch)]);
        stopped.Desktop.PowerRequested.ShouldBe(false);
        checkOut.Desktop.PowerRequested.ShouldBeNull("the check-out stops and locks the server copy itself");
    }

    [Fact]
    public void Apply_StartWhileCheckedOut_IsIllegalSoTheServerCopyNeverRunsBesideTheDevice()
    {
        // Arrange
        var desktop = InState(DesktopState.CheckedOut);

        // Act
        var result = DesktopStateMachine.Apply(desktop, new StartRequested(desktop.Epoch, Retention));

        // Assert
        result.Error.ShouldBe(new IllegalTransition(DesktopState.CheckedOut, DesktopEventKind.StartRequested));
        result.Error!.Message.ShouldContain("CheckedOut");
    }

    [Fact]
    public void Apply_SecondCheckOutOfTheSameDesktop_IsIllegal()
    {
        // Arrange
        var desktop = InState(DesktopState.Available);
        var first = DesktopStateMachine.Apply(desktop, new CheckOutRequested(desktop.Epoch, DeviceA)).Desktop;

        // Act
        var second = DesktopStateMachine.Apply(first, new CheckOutRequested(desktop.Epoch, OtherDevice));

        // Assert
        second.Error.ShouldBe(new IllegalTransition(DesktopState.CheckOutRequested, DesktopEventKind.CheckOutRequested));
        second.Desktop.Device.ShouldBe(DeviceA);
    }

    [Fact]
    public void Apply_DeleteWhileCheckedOut_TakesAuthorityBackAndWipesTheDevice()
    {
        // Arrange
        var desktop = InState(DesktopState.CheckedOut);
        var next = desktop.Epoch.Next();

        // Act
        var result = DesktopStateMachine.Apply(desktop, new DeleteRequested(desktop.Epoch));

        // Assert
        result.Desktop.State.ShouldBe(DesktopState.Deleted);
        result.Commands.ShouldBe([new RevokeLocalCopy(DeviceA, DeskId, next, Wipe: true), new DeleteDesktop(HostA, DeskId, next)]);
    }

    [Fact]
    public void Apply_SyncAcknowledgedOutOfOrder_KeepsTheLatestSyncTime()
    {
        // Arrange
        var desktop = InState(DesktopState.CheckedOut);
        var later = Start.AddHours(2);
        desktop = Step(desktop, new SyncAcknowledged(desktop.Epoch, PushedLayer, later), []);

        // Act
        var result = DesktopStateMachine.Apply(desktop, new SyncAcknowledged(desktop.Epoch, SealedLayer, later.AddMinutes(-30)));

        // Assert
        result.Desktop.LastSyncAt.ShouldBe(later);
    }

    [Fact]
    public void Apply_RollbackFromAvailable_OrdersTheHostToRollBackAtTheNextEpochAndCompletesToAvailable()
    {
        // Arrange
        var desktop = InState(DesktopState.Available);
        var snapshot = LayerId.New();
        var next = desktop.Epoch.Next();

        // Act
        var rollingBack = Step(desktop, new RollbackRequested(desktop.Epoch, snapshot), [new RollBackToSnapshot(HostA, DeskId, next, snapshot)]);
        var done = Step(rollingBack, new RollbackCompleted(next), []);

        // Assert
        done.State.ShouldBe(DesktopState.Available);
        done.LastAckedLayer.ShouldBe(snapshot);
        done.Epoch.ShouldBe(next);
    }

    [Fact]
    public void Apply_EventForCheckedOutDesktopStoredWithoutItsDevice_ThrowsBecauseTheStoredStateIsInconsistent()
    {
        // Arrange: a combination the machine never produces (e.g. a corrupted row).
        var desktop = InState(DesktopState.CheckedOut) with { Device = null };

        // Act
        var act = () => DesktopStateMachine.Apply(desktop, new SyncRequested(desktop.Epoch));

        // Assert
        act.ShouldThrow<InvalidOperationException>().Message.ShouldContain("inconsistent");
    }

    private static Desktop Step(Desktop desktop, DesktopEvent @event, AgentCommand[] expected)
    {
        var result = DesktopStateMachine.Apply(desktop, @event);
        result.Error.ShouldBeNull();
        result.Commands.ShouldBe(expected);
        return result.Desktop;
    }
}
