namespace Broker.Core.Desktops;

/// <summary>Where a desktop is in its life (design §5). <see cref="DesktopStateMachine"/> says how it moves.</summary>
public enum DesktopState
{
    /// <summary>Created; the host is building its disk from the pool image.</summary>
    Provisioning,

    /// <summary>On the server, with the server copy unlocked; whether the VM runs is observed detail.</summary>
    Available,

    /// <summary>A user asked to check it out to a device; waiting for a transfer slot.</summary>
    CheckOutRequested,

    /// <summary>The host stops the VM, seals the top layer and locks the server copy.</summary>
    Preparing,

    /// <summary>The device pulls the sealed chain; pause and resume stay here, cancel returns to <see cref="Available"/>.</summary>
    Transferring,

    /// <summary>The device holds the lease and the epoch: it is the only writer. The server copy stays locked.</summary>
    CheckedOut,

    /// <summary>The device was asked to stop the VM and seal its final layer.</summary>
    CheckInRequested,

    /// <summary>The device pushes its final layer to the host.</summary>
    Uploading,

    /// <summary>The host appends the final layer and makes the server copy the authority again.</summary>
    Committing,

    /// <summary>An admin revoked the check-out; authority is back on the server (epoch + 1), waiting for the host to resume.</summary>
    Revoked,

    /// <summary>The host rolls the chain back to an earlier snapshot (epoch + 1, so a repeat of the order is recognisable).</summary>
    RollingBack,

    /// <summary>A floating desktop was released; the host replaces its chain with a new top over the pool image (epoch + 1).</summary>
    Resetting,

    /// <summary>Gone; no event applies any more.</summary>
    Deleted,
}
