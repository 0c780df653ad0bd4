namespace Broker.Vhdx;

/// <summary>What <see cref="VhdxFile.RepairAsync"/> changed.</summary>
/// <param name="LogReplayed">A dirty log was replayed into the file.</param>
/// <param name="TruncatedBytes">Unused space removed from the end of the file.</param>
public sealed record VhdxRepairResult(bool LogReplayed, long TruncatedBytes)
{
    /// <summary>A damaged header copy was rewritten from the current header.</summary>
    public bool HeaderRestored { get; init; }

    /// <summary>A damaged region table copy was rewritten from the intact one.</summary>
    public bool RegionTableRestored { get; init; }

    /// <summary>BAT entries whose reserved file offset (or whole sector bitmap entry) was set back to 0.</summary>
    public int BatEntriesCleared { get; init; }

    /// <summary>True when the file was changed.</summary>
    public bool Changed => LogReplayed || TruncatedBytes > 0 || HeaderRestored || RegionTableRestored || BatEntriesCleared > 0;
}
