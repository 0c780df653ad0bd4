namespace Broker.ClientAgent.State;

/// <summary>
/// Where a local copy stands in the check-out → check-in cycle the broker drives (design §5). Whether
/// its VM runs is not state: it is observed.
/// </summary>
internal enum DesktopPhase
{
    /// <summary>Check-out asked of the broker; waiting for it to start the transfer (START_PULL). Nothing is pulled yet.</summary>
    Requested,

    /// <summary>Being pulled (or to be resumed after a restart).</summary>
    Pulling,

    /// <summary>The pull is paused (by the user or the broker).</summary>
    Paused,

    /// <summary>Pulled completely; TRANSFER_COMPLETED is reported until the broker grants the lease (GRANT_LEASE).</summary>
    Pulled,

    /// <summary>Complete, leased and usable offline.</summary>
    Ready,

    /// <summary>Check-in asked of the broker; waiting for BEGIN_CHECK_IN.</summary>
    CheckInRequested,

    /// <summary>BEGIN_CHECK_IN received: stopping the VM, sealing, reporting FINAL_UPLOAD_STARTED.</summary>
    CheckingIn,

    /// <summary>The broker accepted FINAL_UPLOAD_STARTED: pushing the layers the host lacks.</summary>
    Uploading,

    /// <summary>The host holds every layer; waiting for the broker to release the copy (RELEASE_LOCAL_COPY).</summary>
    Uploaded,

    /// <summary>REVOKE_LOCAL_COPY received: stopping the VM (graceful, then forced) and sealing what it wrote.</summary>
    Revoking,

    /// <summary>Revoked and sealed: sending the changes the host never acknowledged, as one layer under the revoked epoch, to the server's quarantine.</summary>
    Quarantining,

    /// <summary>Revoked by the broker; kept read-only, the VM may not start.</summary>
    Revoked,
}
