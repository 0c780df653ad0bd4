namespace Broker.Core.Desktops.Events;

/// <summary>One member per concrete <see cref="DesktopEvent"/> type, in the order of the design's lifecycle.</summary>
public enum DesktopEventKind
{
    /// <summary>See <see cref="ProvisioningCompleted"/>.</summary>
    ProvisioningCompleted,

    /// <summary>See <see cref="StartRequested"/>.</summary>
    StartRequested,

    /// <summary>See <see cref="StopRequested"/>.</summary>
    StopRequested,

    /// <summary>See <see cref="Released"/>.</summary>
    Released,

    /// <summary>See <see cref="CheckOutRequested"/>.</summary>
    CheckOutRequested,

    /// <summary>See <see cref="CheckOutAdmitted"/>.</summary>
    CheckOutAdmitted,

    /// <summary>See <see cref="ServerCopyPrepared"/>.</summary>
    ServerCopyPrepared,

    /// <summary>See <see cref="TransferPaused"/>.</summary>
    TransferPaused,

    /// <summary>See <see cref="TransferResumed"/>.</summary>
    TransferResumed,

    /// <summary>See <see cref="CheckOutCancelled"/>.</summary>
    CheckOutCancelled,

    /// <summary>See <see cref="TransferCompleted"/>.</summary>
    TransferCompleted,

    /// <summary>See <see cref="SyncRequested"/>.</summary>
    SyncRequested,

    /// <summary>See <see cref="SyncAcknowledged"/>.</summary>
    SyncAcknowledged,

    /// <summary>See <see cref="LeaseRenewed"/>.</summary>
    LeaseRenewed,

    /// <summary>See <see cref="CheckInRequested"/>.</summary>
    CheckInRequested,

    /// <summary>See <see cref="CheckInCancelled"/>.</summary>
    CheckInCancelled,

    /// <summary>See <see cref="FinalUploadStarted"/>.</summary>
    FinalUploadStarted,

    /// <summary>See <see cref="FinalLayerUploaded"/>.</summary>
    FinalLayerUploaded,

    /// <summary>See <see cref="CheckInCommitted"/>.</summary>
    CheckInCommitted,

    /// <summary>See <see cref="RevokeRequested"/>.</summary>
    RevokeRequested,

    /// <summary>See <see cref="ServerCopyResumed"/>.</summary>
    ServerCopyResumed,

    /// <summary>See <see cref="RollbackRequested"/>.</summary>
    RollbackRequested,

    /// <summary>See <see cref="RollbackCompleted"/>.</summary>
    RollbackCompleted,

    /// <summary>See <see cref="ResetCompleted"/>.</summary>
    ResetCompleted,

    /// <summary>See <see cref="DeleteRequested"/>.</summary>
    DeleteRequested,
}
