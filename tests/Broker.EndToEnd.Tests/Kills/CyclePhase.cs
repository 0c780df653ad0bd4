namespace Broker.EndToEnd.Tests.Kills;

/// <summary>The three moments of a check-out cycle a kill can hit.</summary>
internal enum CyclePhase
{
    /// <summary><c>desktop checkout</c> until the laptop's copy is ready: the host's prepare (lock, stop, seal), the pull, the lease.</summary>
    CheckOut,

    /// <summary><c>desktop sync</c> until the host acknowledged every layer: the laptop's seal and push, the host's commit.</summary>
    Sync,

    /// <summary><c>desktop checkin</c> until the server copy is available: the laptop's stop, seal and final push, the host's commit and unlock.</summary>
    CheckIn,
}
