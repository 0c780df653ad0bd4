namespace Broker.Vhdx;

/// <summary>How <see cref="VhdxMerge.MergeAsync"/> merges.</summary>
public sealed record VhdxMergeOptions
{
    /// <summary>Defaults: refuse a parent marked as a shared base.</summary>
    public static VhdxMergeOptions Default { get; } = new();

    /// <summary>
    /// Merge even into a parent marked as a shared base (see <see cref="VhdxSharedBase"/>): every
    /// other child of that base then reads changed data and no longer links to it.
    /// </summary>
    public bool Force { get; init; }
}
