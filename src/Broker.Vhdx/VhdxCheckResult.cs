namespace Broker.Vhdx;

/// <summary>What <see cref="VhdxFile.CheckAsync"/> found (like <c>qemu-img check</c>).</summary>
/// <param name="Problems">Corruptions and warnings, in the order found.</param>
/// <param name="LeakedBytes">File space (1 MiB granules past the header section) that no structure or block uses.</param>
public sealed record VhdxCheckResult(IReadOnlyList<VhdxCheckProblem> Problems, long LeakedBytes)
{
    /// <summary>True when nothing at all is wrong (leaked space is not a problem of its own).</summary>
    public bool IsClean => Problems.Count == 0;

    /// <summary>True when at least one problem is a corruption.</summary>
    public bool HasCorruptions => Problems.Any(problem => problem.Severity == VhdxCheckSeverity.Corruption);
}
