namespace Broker.Vhdx;

/// <summary>What to create. Use <see cref="Dynamic"/>, <see cref="Fixed"/> or <see cref="Differencing"/>.</summary>
public sealed record VhdxCreateOptions
{
    /// <summary>Default block size for dynamic and fixed files (Hyper-V's default).</summary>
    public const int DefaultBlockSize = 32 * 1024 * 1024;

    /// <summary>Default block size for differencing files (Hyper-V's default).</summary>
    public const int DefaultDifferencingBlockSize = 2 * 1024 * 1024;

    /// <summary>Fixed, dynamic or differencing.</summary>
    public VhdxDiskType Type { get; init; } = VhdxDiskType.Dynamic;

    /// <summary>Virtual disk size in bytes: a multiple of the logical sector size, at most 64 TiB. Ignored for differencing files (taken from the parent).</summary>
    public long VirtualSize { get; init; }

    /// <summary>Payload block size: a power of two from 1 MiB to 256 MiB.</summary>
    public int BlockSize { get; init; } = DefaultBlockSize;

    /// <summary>512 or 4096. Ignored for differencing files (taken from the parent).</summary>
    public int LogicalSectorSize { get; init; } = 512;

    /// <summary>512 or 4096. Ignored for differencing files (taken from the parent).</summary>
    public int PhysicalSectorSize { get; init; } = 4096;

    /// <summary>The Virtual Disk ID; a new one when null. Ignored for differencing files (copied from the parent).</summary>
    public Guid? VirtualDiskId { get; init; }

    /// <summary>Path of the parent (differencing only).</summary>
    public string? ParentPath { get; init; }

    /// <summary>Options for a dynamic disk.</summary>
    public static VhdxCreateOptions Dynamic(long virtualSize, int blockSize = DefaultBlockSize, int logicalSectorSize = 512, int physicalSectorSize = 4096) => new()
    {
        Type = VhdxDiskType.Dynamic,
        VirtualSize = virtualSize,
        BlockSize = blockSize,
        LogicalSectorSize = logicalSectorSize,
        PhysicalSectorSize = physicalSectorSize,
    };

    /// <summary>Options for a fixed disk.</summary>
    public static VhdxCreateOptions Fixed(long virtualSize, int blockSize = DefaultBlockSize, int logicalSectorSize = 512, int physicalSectorSize = 4096) =>
        Dynamic(virtualSize, blockSize, logicalSectorSize, physicalSectorSize) with { Type = VhdxDiskType.Fixed };

    /// <summary>Options for a differencing disk over <paramref name="parentPath"/>.</summary>
    public static VhdxCreateOptions Differencing(string parentPath, int blockSize = DefaultDifferencingBlockSize) => new()
    {
        Type = VhdxDiskType.Differencing,
        ParentPath = parentPath,
        BlockSize = blockSize,
    };
}
