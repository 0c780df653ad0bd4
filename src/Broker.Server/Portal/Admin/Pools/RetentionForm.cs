using Broker.Core.Pools;

namespace Broker.Server.Portal.Admin.Pools;

/// <summary>The snapshot-retention part of <see cref="OfflineForm"/>; starts with the design's defaults.</summary>
internal sealed class RetentionForm
{
    public int Hourly { get; set; } = RetentionPolicy.Default.Hourly;

    public int Daily { get; set; } = RetentionPolicy.Default.Daily;

    public int Weekly { get; set; } = RetentionPolicy.Default.Weekly;

    /// <summary>How often a running desktop is snapshotted, in minutes.</summary>
    public int SnapshotInterval { get; set; } = (int)RetentionPolicy.DefaultSnapshotInterval.TotalMinutes;
}
