namespace Broker.Vhdx;

/// <summary>What <see cref="VhdxFile.RepairAsync"/> changed.</summary>
/// <param name="LogReplayed">A dirty log was replayed into the file.</param>
/// <param name="TruncatedBytes">Unused space removed from the end of the file.</param>
public sealed record VhdxRepairResult(bool LogReplayed, long TruncatedBytes)
{
    /// <summary>True when the file was changed.</summary>
    public bool Changed => LogReplayed || TruncatedBytes > 0;
}
