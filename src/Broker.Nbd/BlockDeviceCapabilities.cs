namespace Broker.Nbd;

/// <summary>
/// What a <see cref="IBlockDevice"/> truthfully supports. The server advertises an NBD transmission
/// flag only when the matching capability is set, so a device must not claim what it cannot do.
/// </summary>
[Flags]
public enum BlockDeviceCapabilities
{
    /// <summary>Reads and writes only.</summary>
    None = 0,

    /// <summary><see cref="IBlockDevice.FlushAsync"/> makes every completed write durable.</summary>
    Flush = 1 << 0,

    /// <summary>A write with force-unit-access is durable when it completes.</summary>
    ForceUnitAccess = 1 << 1,

    /// <summary><see cref="IBlockDevice.TrimAsync"/> may discard data.</summary>
    Trim = 1 << 2,

    /// <summary><see cref="IBlockDevice.WriteZeroesAsync"/> zeroes a range without a payload.</summary>
    WriteZeroes = 1 << 3,

    /// <summary>
    /// The device keeps no per-connection cache: a flush or force-unit-access write through one
    /// connection is visible to every other connection when it completes (NBD_FLAG_CAN_MULTI_CONN).
    /// </summary>
    MultipleConnections = 1 << 4,
}
