namespace Broker.Vhdx;

/// <summary>How to open a VHDX file or chain.</summary>
public sealed record VhdxOpenOptions
{
    /// <summary>Read-only defaults.</summary>
    public static VhdxOpenOptions ReadOnlyDefault { get; } = new();

    /// <summary>
    /// Open read-only (the default). A dirty log is then replayed into memory and the file is not
    /// modified. Read-write opens replay the log into the file.
    /// </summary>
    public bool ReadOnly { get; init; } = true;

    /// <summary>Longest chain <see cref="VhdxDisk.OpenAsync"/> follows before giving up (guards against loops).</summary>
    public int MaxChainDepth { get; init; } = 64;
}
