using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Leases;
using Broker.Core.Pools;

namespace Broker.Core.Tests.Desktops;

/// <summary>
/// Fixed ids, a desktop in any state and an event of any kind, for state machine tests. Desktops
/// are reached by driving the machine along the design's path, so they are exactly what the
/// machine produces, never a hand-made combination it could not reach.
/// </summary>
internal static class DesktopSamples
{
    public static readonly DesktopId DeskId = new(Guid.Parse("d0000000-0000-0000-0000-000000000001"));
    public static readonly PoolId PoolA = new(Guid.Parse("90000000-0000-0000-0000-000000000001"));
    public static readonly HostId HostA = new(Guid.Parse("40000000-0000-0000-0000-000000000001"));
    public static readonly DeviceId DeviceA = new(Guid.Parse("de000000-0000-0000-0000-000000000001"));
    public static readonly ImageId ImageA = new(Guid.Parse("10000000-0000-0000-0000-000000000001"));
    public static readonly ImageId ImageB = new(Guid.Parse("10000000-0000-0000-0000-000000000002"));
    public static readonly DeviceId OtherDevice = new(Guid.Parse("de000000-0000-0000-0000-000000000002"));
    public static readonly LayerId SealedLayer = new(Guid.Parse("1a000000-0000-0000-0000-000000000001"));
    public static readonly LayerId PushedLayer = new(Guid.Parse("1a000000-0000-0000-0000-000000000002"));
    public static readonly UserId User = new("alice");
    public static readonly DateTimeOffset Start = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly LeaseTerm FirstLease = new(Start, Start.AddDays(7));
    public static readonly LeaseTerm RenewedLease = new(Start.AddHours(1), Start.AddHours(1).AddDays(7));
    public static readonly RetentionPolicy Retention = new(12, 3, 2) { SnapshotInterval = TimeSpan.FromMinutes(30) };

    /// <summary>A freshly created desktop, assigned to <see cref="User"/>.</summary>
    public static Desktop Created() =>
        DesktopStateMachine.Create(DeskId, PoolA, "desk-01", HostA, ImageA).Desktop with { Assignee = User };

    /// <summary>The desktop in <paramref name="state"/>, reached along the design's path from <see cref="Created"/>.</summary>
    public static Desktop InState(DesktopState state) => Drive(Created(), PathTo(state));

    /// <summary>Applies events of <paramref name="kinds"/> in order, each at the desktop's current epoch; every one must be accepted.</summary>
    public static Desktop Drive(Desktop desktop, params DesktopEventKind[] kinds)
    {
        foreach (var kind in kinds)
        {
            var result = DesktopStateMachine.Apply(desktop, Event(kind, desktop.Epoch));
            result.Error.ShouldBeNull($"driving {desktop.State} with {kind}");
            desktop = result.Desktop;
        }

        return desktop;
    }

    /// <summary>A sample event of <paramref name="kind"/> naming <paramref name="epoch"/>.</summary>
    public static DesktopEvent Event(DesktopEventKind kind, Epoch epoch) => kind switch
    {
        DesktopEventKind.ProvisioningCompleted => new ProvisioningCompleted(epoch),
        DesktopEventKind.StartRequested => new StartRequested(epoch, Retention),
        DesktopEventKind.StopRequested => new StopRequested(epoch),
        DesktopEventKind.Released => new Released(epoch, ImageB),
        DesktopEventKind.CheckOutRequested => new CheckOutRequested(epoch, DeviceA),
        DesktopEventKind.CheckOutAdmitted => new CheckOutAdmitted(epoch),
        DesktopEventKind.ServerCopyPrepared => new ServerCopyPrepared(epoch, SealedLayer),
        DesktopEventKind.TransferPaused => new TransferPaused(epoch),
        DesktopEventKind.TransferResumed => new TransferResumed(epoch),
        DesktopEventKind.CheckOutCancelled => new CheckOutCancelled(epoch),
        DesktopEventKind.TransferCompleted => new TransferCompleted(epoch, FirstLease),
        DesktopEventKind.SyncRequested => new SyncRequested(epoch),
        DesktopEventKind.SyncAcknowledged => new SyncAcknowledged(epoch, PushedLayer, Start.AddMinutes(60)),
        DesktopEventKind.LeaseRenewed => new LeaseRenewed(epoch, RenewedLease),
        DesktopEventKind.CheckInRequested => new CheckInRequested(epoch),
        DesktopEventKind.CheckInCancelled => new CheckInCancelled(epoch),
        DesktopEventKind.FinalUploadStarted => new FinalUploadStarted(epoch),
        DesktopEventKind.FinalLayerUploaded => new FinalLayerUploaded(epoch, PushedLayer, Start.AddMinutes(90)),
        DesktopEventKind.CheckInCommitted => new CheckInCommitted(epoch),
        DesktopEventKind.RevokeRequested => new RevokeRequested(epoch, WipeLocalCopy: true),
        DesktopEventKind.ServerCopyResumed => new ServerCopyResumed(epoch),
        DesktopEventKind.RollbackRequested => new RollbackRequested(epoch, SealedLayer),
        DesktopEventKind.RollbackCompleted => new RollbackCompleted(epoch),
        DesktopEventKind.ResetCompleted => new ResetCompleted(epoch),
        DesktopEventKind.DeleteRequested => new DeleteRequested(epoch),
    };

    private static DesktopEventKind[] PathTo(DesktopState state) => state switch
    {
        DesktopState.Provisioning => [],
        DesktopState.Available => [DesktopEventKind.ProvisioningCompleted],
        DesktopState.CheckOutRequested => [.. PathTo(DesktopState.Available), DesktopEventKind.CheckOutRequested],
        DesktopState.Preparing => [.. PathTo(DesktopState.CheckOutRequested), DesktopEventKind.CheckOutAdmitted],
        DesktopState.Transferring => [.. PathTo(DesktopState.Preparing), DesktopEventKind.ServerCopyPrepared],
        DesktopState.CheckedOut => [.. PathTo(DesktopState.Transferring), DesktopEventKind.TransferCompleted],
        DesktopState.CheckInRequested => [.. PathTo(DesktopState.CheckedOut), DesktopEventKind.CheckInRequested],
        DesktopState.Uploading => [.. PathTo(DesktopState.CheckInRequested), DesktopEventKind.FinalUploadStarted],
        DesktopState.Committing => [.. PathTo(DesktopState.Uploading), DesktopEventKind.FinalLayerUploaded],
        DesktopState.Revoked => [.. PathTo(DesktopState.CheckedOut), DesktopEventKind.RevokeRequested],
        DesktopState.RollingBack => [.. PathTo(DesktopState.Available), DesktopEventKind.RollbackRequested],
        DesktopState.Resetting => [.. PathTo(DesktopState.Available), DesktopEventKind.Released],
        DesktopState.Deleted => [.. PathTo(DesktopState.Available), DesktopEventKind.DeleteRequested],
    };
}
