namespace Broker.Core.Assignment;

/// <summary>What <see cref="DesktopAssigner.Assign"/> decided.</summary>
public enum AssignmentOutcome
{
    /// <summary>A desktop was newly assigned; the caller saves it (optimistic concurrency decides races).</summary>
    Assigned,

    /// <summary>The user already has a desktop in this pool; nothing to save.</summary>
    AlreadyAssigned,

    /// <summary>The user is not entitled to the pool, directly or through a group.</summary>
    NotEntitled,

    /// <summary>Every desktop of the pool is taken (or still being built, for a floating pool).</summary>
    NoneFree,
}
