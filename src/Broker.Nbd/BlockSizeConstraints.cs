using System.Numerics;

namespace Broker.Nbd;

/// <summary>
/// The block size constraints of a device as NBD advertises them (NBD_INFO_BLOCK_SIZE): requests
/// are aligned to <see cref="Minimum"/>, efficient at multiples of <see cref="Preferred"/> and no
/// longer than <see cref="Maximum"/> bytes.
/// </summary>
public sealed record BlockSizeConstraints
{
    /// <summary>The largest minimum block size NBD allows (2^16).</summary>
    public const int LargestMinimum = 1 << 16;

    /// <summary>The longest request payload the server accepts at all (2^25, the NBD interoperability limit).</summary>
    public const int LargestMaximum = 1 << 25;

    /// <summary>Byte-granular devices: minimum 1, preferred 4 KiB, maximum 32 MiB.</summary>
    public static BlockSizeConstraints Default { get; } = new(1, 4096, LargestMaximum);

    /// <summary>Validates the constraints against the NBD rules.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value breaks an NBD rule.</exception>
    public BlockSizeConstraints(int minimum, int preferred, int maximum)
    {
        if (minimum < 1 || minimum > LargestMinimum || !BitOperations.IsPow2(minimum))
        {
            throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "The minimum block size must be a power of two between 1 and 65536.");
        }

        if (preferred < Math.Max(minimum, 512) || !BitOperations.IsPow2(preferred))
        {
            throw new ArgumentOutOfRangeException(nameof(preferred), preferred, "The preferred block size must be a power of two of at least max(minimum, 512).");
        }

        if (maximum < preferred || maximum > LargestMaximum || maximum % minimum != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maximum), maximum, "The maximum block size must be a multiple of the minimum, at least the preferred size and at most 32 MiB.");
        }

        Minimum = minimum;
        Preferred = preferred;
        Maximum = maximum;
    }

    /// <summary>Every offset and length is a multiple of this power of two.</summary>
    public int Minimum { get; }

    /// <summary>Requests aligned to this power of two avoid read-modify-write.</summary>
    public int Preferred { get; }

    /// <summary>The longest read, write or write-zeroes request, in bytes.</summary>
    public int Maximum { get; }
}
