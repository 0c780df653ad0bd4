namespace Broker.Disks.Transfer;

/// <summary>Who goes first when a <see cref="BandwidthLimiter"/> is short of tokens.</summary>
public enum TransferPriority
{
    /// <summary>A user waits for it: check-out pulls, check-in uploads.</summary>
    Foreground = 0,

    /// <summary>Background sync pushes: served only while no foreground request waits.</summary>
    Background = 1,
}
