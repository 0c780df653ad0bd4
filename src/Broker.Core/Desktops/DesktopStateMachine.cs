using Broker.Core.Desktops.Commands;
using Broker.Core.Desktops.Events;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Leases;
using Broker.Core.Pools;

namespace Broker.Core.Desktops;

/// <summary>
/// The desktop lifecycle of design §5 as a pure function: <c>(desktop, event) → (desktop, commands)</c>.
/// No I/O, no clock, no randomness: the same input always gives the same output.
/// </summary>
/// <remarks>
/// <para>
/// Epochs fence authority. The epoch increments when authority over the disk changes hands:
/// check-out granted (<see cref="TransferCompleted"/>), check-in committed
/// (<see cref="CheckInCommitted"/>), revoke (<see cref="RevokeRequested"/>), a device giving back a
/// granted check-out (<see cref="CheckOutCancelled"/> while <see cref="DesktopState.CheckedOut"/>),
/// and a delete while a device holds the desktop. It also increments when the server copy's content
/// is replaced (<see cref="Released"/> resets, <see cref="RollbackRequested"/> restores), so that the
/// host can tell a repeat of that order (same epoch, a no-op) from a new one. An event naming any
/// other epoch is refused before its kind is looked at.
/// </para>
/// <para>
/// Never two writers: whenever a device holds a lease for the current epoch the server copy is
/// locked; it is unlocked only in the same step that takes authority back.
/// </para>
/// </remarks>
public static class DesktopStateMachine
{
    /// <summary>A new desktop in <see cref="DesktopState.Provisioning"/>, and the order to build it.</summary>
    public static TransitionResult Create(DesktopId id, PoolId pool, string name, HostId host, ImageId image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var desktop = new Desktop
        {
            Id = id,
            Pool = pool,
            Name = name,
            Host = host,
            Image = image,
            State = DesktopState.Provisioning,
            Epoch = Epoch.Initial,
        };
        return TransitionResult.Accepted(desktop, new ProvisionDesktop(host, id, desktop.Epoch, image));
    }

    /// <summary>
    /// Applies <paramref name="event"/> to <paramref name="desktop"/>. Refusals are values
    /// (<see cref="StaleEpoch"/>, <see cref="UnknownEpoch"/>, <see cref="IllegalTransition"/>), never exceptions.
    /// </summary>
    public static TransitionResult Apply(Desktop desktop, DesktopEvent @event)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        ArgumentNullException.ThrowIfNull(@event);

        if (@event.Epoch < desktop.Epoch)
        {
            return TransitionResult.Rejected(desktop, new StaleEpoch(desktop.State, @event.Kind, desktop.Epoch, @event.Epoch));
        }

        if (@event.Epoch > desktop.Epoch)
        {
            return TransitionResult.Rejected(desktop, new UnknownEpoch(desktop.State, @event.Kind, desktop.Epoch, @event.Epoch));
        }

        return desktop.State switch
        {
            DesktopState.Provisioning => FromProvisioning(desktop, @event),
            DesktopState.Available => FromAvailable(desktop, @event),
            DesktopState.CheckOutRequested => FromCheckOutRequested(desktop, @event),
            DesktopState.Preparing => FromPreparing(desktop, @event),
            DesktopState.Transferring => FromTransferring(desktop, @event),
            DesktopState.CheckedOut => FromCheckedOut(desktop, @event),
            DesktopState.CheckInRequested => FromCheckInRequested(desktop, @event),
            DesktopState.Uploading => FromUploading(desktop, @event),
            DesktopState.Committing => FromCommitting(desktop, @event),
            DesktopState.Revoked => FromRevoked(desktop, @event),
            DesktopState.RollingBack => FromRollingBack(desktop, @event),
            DesktopState.Resetting => FromResetting(desktop, @event),
            DesktopState.Deleted => Illegal(desktop, @event),
        };
    }

    private static TransitionResult FromProvisioning(Desktop d, DesktopEvent e) => e switch
    {
        ProvisioningCompleted => Accept(d with { State = DesktopState.Available }),
        DeleteRequested => Delete(d),
        _ => Illegal(d, e),
    };

    private static TransitionResult FromAvailable(Desktop d, DesktopEvent e) => e switch
    {
        StartRequested start => Accept(d with { PowerRequested = true }, new StartDesktop(d.Host, d.Id, d.Epoch, start.Retention)),
        StopRequested => Accept(d with { PowerRequested = false }, new StopDesktop(d.Host, d.Id, d.Epoch)),
        Released released => Reset(d with { PowerRequested = null }, released.Image),
        CheckOutRequested request => Accept(d with { State = DesktopState.CheckOutRequested, Device = request.Device, PowerRequested = null }),
        RollbackRequested rollback => RollBack(d with { PowerRequested = null }, rollback.Snapshot),
        DeleteRequested => Delete(d with { PowerRequested = null }),
        _ => Illegal(d, e),
    };

    private static TransitionResult FromCheckOutRequested(Desktop d, DesktopEvent e) => e switch
    {
        // The lock is recorded in the same step that orders it, so no later state can see the
        // server copy unlocked while the device works towards authority.
        CheckOutAdmitted => Accept(
            d with { State = DesktopState.Preparing, ServerCopyLocked = true },
            new StopAndSeal(d.Host, d.Id, d.Epoch),
            new LockServerCopy(d.Host, d.Id, d.Epoch)),
        CheckOutCancelled => Accept(d with { State = DesktopState.Available, Device = null }),
        DeleteRequested => Delete(d),
        _ => Illegal(d, e),
    };

    private static TransitionResult FromPreparing(Desktop d, DesktopEvent e) => e switch
    {
        ServerCopyPrepared prepared => Accept(
            d with { State = DesktopState.Transferring, LastAckedLayer = prepared.SealedLayer, TransferPaused = false },
            new ServeTransfer(d.Host, d.Id, d.Epoch, RequireDevice(d))),
        CheckOutCancelled => CancelCheckOut(d),
        DeleteRequested => Delete(d),
        _ => Illegal(d, e),
    };

    private static TransitionResult FromTransferring(Desktop d, DesktopEvent e) => e switch
    {
        TransferPaused => Accept(d with { TransferPaused = true }, new PauseTransfer(RequireDevice(d), d.Id, d.Epoch)),
        TransferResumed => Accept(d with { TransferPaused = false }, new ResumeTransfer(RequireDevice(d), d.Id, d.Epoch)),
        CheckOutCancelled => CancelCheckOut(d),
        TransferCompleted completed => GrantCheckOut(d, completed.Lease),
        DeleteRequested => Delete(d),
        _ => Illegal(d, e),
    };

    private static TransitionResult FromCheckedOut(Desktop d, DesktopEvent e) => e switch
    {
        SyncRequested => Accept(d, new SyncNow(RequireDevice(d), d.Id, d.Epoch)),
        SyncAcknowledged ack => Accept(Acked(d, ack.Layer, ack.At)),
        LeaseRenewed renewed => RenewLease(d, renewed.Lease),
        CheckOutCancelled => GiveBackCheckOut(d),
        CheckInRequested => Accept(d with { State = DesktopState.CheckInRequested }, new BeginCheckIn(RequireDevice(d), d.Id, d.Epoch)),
        RevokeRequested revoke => Revoke(d, revoke.WipeLocalCopy),
        DeleteRequested => Delete(d),
        _ => Illegal(d, e),
    };

    private static TransitionResult FromCheckInRequested(Desktop d, DesktopEvent e) => e switch
    {
        FinalUploadStarted => Accept(d with { State = DesktopState.Uploading }),
        CheckInCancelled => CancelCheckIn(d),
        SyncAcknowledged ack => Accept(Acked(d, ack.Layer, ack.At)),
        LeaseRenewed renewed => RenewLease(d, renewed.Lease),
        RevokeRequested revoke => Revoke(d, revoke.WipeLocalCopy),
        DeleteRequested => Delete(d),
        _ => Illegal(d, e),
    };

    private static TransitionResult FromUploading(Desktop d, DesktopEvent e) => e switch
    {
        FinalLayerUploaded uploaded => Accept(
            Acked(d, uploaded.Layer, uploaded.At) with { State = DesktopState.Committing },
            new CommitCheckIn(d.Host, d.Id, d.Epoch, uploaded.Layer)),
        CheckInCancelled => CancelCheckIn(d),
        SyncAcknowledged ack => Accept(Acked(d, ack.Layer, ack.At)),
        LeaseRenewed renewed => RenewLease(d, renewed.Lease),
        RevokeRequested revoke => Revoke(d, revoke.WipeLocalCopy),
        DeleteRequested => Delete(d),
        _ => Illegal(d, e),
    };

    private static TransitionResult FromCommitting(Desktop d, DesktopEvent e) => e switch
    {
        CheckInCommitted => CommitCheckIn(d),
        DeleteRequested => Delete(d),
        _ => Illegal(d, e),
    };

    private static TransitionResult FromRevoked(Desktop d, DesktopEvent e) => e switch
    {
        ServerCopyResumed => Accept(d with { State = DesktopState.Available }),
        RollbackRequested rollback => RollBack(d, rollback.Snapshot),
        DeleteRequested => Delete(d),
        _ => Illegal(d, e),
    };

    private static TransitionResult FromRollingBack(Desktop d, DesktopEvent e) => e switch
    {
        RollbackCompleted => Accept(d with { State = DesktopState.Available }),
        DeleteRequested => Delete(d),
        _ => Illegal(d, e),
    };

    private static TransitionResult FromResetting(Desktop d, DesktopEvent e) => e switch
    {
        ResetCompleted => Accept(d with { State = DesktopState.Available }),
        DeleteRequested => Delete(d),
        _ => Illegal(d, e),
    };

    /// <summary>Check-out granted: authority moves to the device at the next epoch.</summary>
    private static TransitionResult GrantCheckOut(Desktop d, LeaseTerm term)
    {
        var device = RequireDevice(d);
        var epoch = d.Epoch.Next();
        return Accept(
            d with { State = DesktopState.CheckedOut, Epoch = epoch, Lease = new Lease(epoch, term), TransferPaused = false },
            new AcceptDevicePushes(d.Host, d.Id, epoch, device),
            new GrantLease(device, d.Id, epoch, term));
    }

    /// <summary>Check-in committed: authority returns to the server at the next epoch.</summary>
    private static TransitionResult CommitCheckIn(Desktop d)
    {
        var device = RequireDevice(d);
        var epoch = d.Epoch.Next();
        return Accept(
            d with { State = DesktopState.Available, Epoch = epoch, ServerCopyLocked = false, Device = null, Lease = null },
            new UnlockAndResume(d.Host, d.Id, epoch),
            new ReleaseLocalCopy(device, d.Id, epoch));
    }

    /// <summary>
    /// Revoke: authority returns to the server at once (next epoch), whether or not the device is
    /// reachable. The host quarantines whatever the device still pushes under the old epoch; the
    /// desktop remembers which device and epoch that is (<see cref="Desktop.LastRevocation"/>).
    /// </summary>
    private static TransitionResult Revoke(Desktop d, bool wipeLocalCopy)
    {
        var device = RequireDevice(d);
        var epoch = d.Epoch.Next();
        return Accept(
            d with
            {
                State = DesktopState.Revoked,
                Epoch = epoch,
                ServerCopyLocked = false,
                Device = null,
                Lease = null,
                LastRevocation = new Revocation(device, d.Epoch),
            },
            new QuarantineLatePushes(d.Host, d.Id, epoch, device, d.Epoch),
            new UnlockAndResume(d.Host, d.Id, epoch),
            new RevokeLocalCopy(device, d.Id, epoch, wipeLocalCopy));
    }

    /// <summary>The check-out is abandoned before the device got authority: same epoch, server copy unlocked.</summary>
    private static TransitionResult CancelCheckOut(Desktop d)
    {
        var device = RequireDevice(d);
        var available = d with { State = DesktopState.Available, ServerCopyLocked = false, Device = null, TransferPaused = false };
        var unlock = new UnlockAndResume(d.Host, d.Id, d.Epoch);
        return d.State == DesktopState.Transferring
            ? Accept(available, new CancelTransfer(device, d.Id, d.Epoch), unlock)
            : Accept(available, unlock);
    }

    /// <summary>
    /// The device gives back a check-out it was granted (typically: it cancelled while the grant was
    /// on its way). Authority returns to the server at the next epoch, so the device's tickets and
    /// lease die; the server copy resumes from the last layer the host acked.
    /// </summary>
    private static TransitionResult GiveBackCheckOut(Desktop d)
    {
        var device = RequireDevice(d);
        var epoch = d.Epoch.Next();
        return Accept(
            d with { State = DesktopState.Available, Epoch = epoch, ServerCopyLocked = false, Device = null, Lease = null },
            new CancelTransfer(device, d.Id, epoch),
            new UnlockAndResume(d.Host, d.Id, epoch));
    }

    private static TransitionResult CancelCheckIn(Desktop d) =>
        Accept(d with { State = DesktopState.CheckedOut }, new CancelCheckIn(RequireDevice(d), d.Id, d.Epoch));

    private static TransitionResult RenewLease(Desktop d, LeaseTerm term)
    {
        var lease = d.Lease ?? throw Inconsistent(d, "a lease");
        return Accept(d with { Lease = lease with { Term = term } }, new RenewLease(RequireDevice(d), d.Id, d.Epoch, term));
    }

    /// <summary>A restore: at the next epoch, which the host records with it, so a repeated order is a no-op.</summary>
    private static TransitionResult RollBack(Desktop d, LayerId snapshot)
    {
        var epoch = d.Epoch.Next();
        return Accept(
            d with { State = DesktopState.RollingBack, Epoch = epoch, LastAckedLayer = snapshot },
            new RollBackToSnapshot(d.Host, d.Id, epoch, snapshot));
    }

    /// <summary>A floating desktop's release: reset to <paramref name="image"/> at the next epoch, which the host records with it.</summary>
    private static TransitionResult Reset(Desktop d, ImageId image)
    {
        var epoch = d.Epoch.Next();
        return Accept(
            d with { State = DesktopState.Resetting, Epoch = epoch, Assignee = null, Image = image, LastAckedLayer = null },
            new ResetToImage(d.Host, d.Id, epoch, image));
    }

    /// <summary>
    /// Delete from any live state. If a device holds authority, the delete also takes it back
    /// (next epoch) and tells the device to wipe: the desktop it would sync to no longer exists.
    /// </summary>
    private static TransitionResult Delete(Desktop d)
    {
        var deviceHeldIt = d.DeviceHoldsAuthority;
        var epoch = deviceHeldIt ? d.Epoch.Next() : d.Epoch;
        var commands = new List<AgentCommand>();
        if (deviceHeldIt)
        {
            commands.Add(new RevokeLocalCopy(RequireDevice(d), d.Id, epoch, Wipe: true));
        }
        else if (d.State == DesktopState.Transferring)
        {
            commands.Add(new CancelTransfer(RequireDevice(d), d.Id, epoch));
        }

        commands.Add(new DeleteDesktop(d.Host, d.Id, epoch));
        return Accept(
            d with { State = DesktopState.Deleted, Epoch = epoch, ServerCopyLocked = true, Device = null, Lease = null, TransferPaused = false },
            [.. commands]);
    }

    private static Desktop Acked(Desktop d, LayerId layer, DateTimeOffset at) => d with
    {
        LastAckedLayer = layer,
        LastSyncAt = d.LastSyncAt is { } previous && previous > at ? previous : at,
    };

    private static TransitionResult Accept(Desktop desktop, params AgentCommand[] commands) =>
        TransitionResult.Accepted(desktop, commands);

    private static TransitionResult Illegal(Desktop d, DesktopEvent e) =>
        TransitionResult.Rejected(d, new IllegalTransition(d.State, e.Kind));

    /// <summary>
    /// The device of a state that has one by construction. Its absence means the stored desktop
    /// was not produced by this machine, which is a defect, not an expected outcome.
    /// </summary>
    private static Devices.DeviceId RequireDevice(Desktop d) => d.Device ?? throw Inconsistent(d, "a device");

    private static InvalidOperationException Inconsistent(Desktop d, string missing) =>
        new($"Desktop {d.Id} is {d.State} without {missing}; the stored desktop is inconsistent.");
}
