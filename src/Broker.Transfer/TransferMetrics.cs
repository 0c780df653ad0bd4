using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Broker.Transfer;

/// <summary>
/// The <see cref="Meter"/> of transfers (<c>Broker.Transfer</c>): where a pull's chunk time goes,
/// stage by stage, so a <see cref="MeterListener"/> (OpenTelemetry, or the transfer bench) sees
/// which stage bounds it. Stages of one stream follow each other; streams and the background
/// checkpoint overlap, so the sums of a pull exceed its wall time.
/// </summary>
public static class TransferMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Broker.Transfer";

    /// <summary>Histogram of seconds one pull stage took for one chunk (or one checkpoint), tagged <see cref="StageTag"/>.</summary>
    public const string PullStageDuration = "broker.transfer.pull.stage.duration";

    /// <summary>The tag naming the stage.</summary>
    public const string StageTag = "stage";

    /// <summary>A stream waiting for its next chunk's message (the host's read and compression, the wire, gRPC's parse).</summary>
    public const string Receive = "receive";

    /// <summary>Decompressing and hashing a chunk against the manifest.</summary>
    public const string Verify = "verify";

    /// <summary>Waiting for the staging file and writing a chunk into it.</summary>
    public const string Write = "write";

    /// <summary>A checkpoint's flush of the staging file (the background ones overlap the writes).</summary>
    public const string Flush = "flush";

    /// <summary>A checkpoint's durable ledger record.</summary>
    public const string Record = "record";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> PullStage = Meter.CreateHistogram<double>(PullStageDuration, "s", "Seconds one pull stage took for one chunk or checkpoint.");

    /// <summary>Records the time since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) as <paramref name="stage"/>.</summary>
    internal static void RecordPullStage(string stage, long startTimestamp)
    {
        if (PullStage.Enabled)
        {
            PullStage.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, new KeyValuePair<string, object?>(StageTag, stage));
        }
    }
}
