namespace Broker.ClientAgent.State;

/// <summary>Where a local copy stands. Whether its VM runs is not state: it is observed.</summary>
internal enum DesktopPhase
{
    /// <summary>Being pulled (or to be resumed after a restart).</summary>
    Pulling,

    /// <summary>The pull is paused by the user.</summary>
    Paused,

    /// <summary>Complete and usable offline.</summary>
    Ready,

    /// <summary>Revoked by the broker; the VM may not start.</summary>
    Revoked,
}
