using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Broker.Nbd.Bench;

/// <summary>
/// Collects the durations of the layer store's traced steps (activities of the
/// <c>Broker.Disks.Layers</c> source) under each activity named after one operation (<c>seal</c>
/// or <c>merge</c>) and reports p50/p99/max per step.
/// </summary>
internal sealed class ChangeTrace : IDisposable
{
    /// <summary>
    /// Before the pause: prepare. The pause (requests wait): quiesce (drain), create-top (only when
    /// the prepared top was unusable), open-top (stacked on the old top, still writable), resume
    /// (reopening the gate). After it: close-top (the old top's log commit and header updates while
    /// the new top serves), release-top (requests wait again: the old top's writable handle swapped
    /// for a read-only one), hash and commit (flushes on the new top wait for the commit).
    /// </summary>
    public static readonly string[] SealSteps = ["seal", "prepare", "pause", "quiesce", "create-top", "open-top", "resume", "close-top", "release-top", "hash", "commit"];

    /// <summary>
    /// Before the pause: prepare (merged layer, rebuilt sealed layers, the live top copied into the
    /// new top). The pause: quiesce, close-top (the old top flushed and closed), catch-up (the
    /// ranges written since the prepare copied into the new top), commit, open-top, resume. After
    /// it: delete (the old files, then a directory flush).
    /// </summary>
    public static readonly string[] MergeSteps = ["merge", "prepare", "pause", "quiesce", "close-top", "catch-up", "commit", "open-top", "resume", "delete"];

    private readonly string _operation;
    private readonly string[] _steps;
    private readonly ActivityListener _listener;
    private readonly Dictionary<string, List<double>> _durations = [];

    public ChangeTrace(string operation, string[] steps)
    {
        _operation = operation;
        _steps = steps;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Broker.Disks.Layers",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>One line per step: how many operations ran it and its p50/p99/max in milliseconds.</summary>
    public string Report()
    {
        var report = new StringBuilder(_operation).Append(" steps (ms):");
        lock (_durations)
        {
            foreach (var step in _steps)
            {
                if (_durations.TryGetValue(step, out var durations) && durations.Count > 0)
                {
                    durations.Sort();
                    report.Append(CultureInfo.InvariantCulture, $"\n  {step,-10} n {durations.Count,4}  p50 {Percentile(durations, 0.50),7:F1}  p99 {Percentile(durations, 0.99),7:F1}  max {durations[^1],7:F1}");
                }
            }
        }

        return report.ToString();
    }

    public void Dispose() => _listener.Dispose();

    internal static double Percentile(List<double> sorted, double fraction) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];

    private void Record(Activity activity)
    {
        var operation = activity;
        while (operation is not null && operation.OperationName != _operation)
        {
            operation = operation.Parent;
        }

        if (operation is null)
        {
            return;
        }

        lock (_durations)
        {
            if (!_durations.TryGetValue(activity.OperationName, out var durations))
            {
                _durations[activity.OperationName] = durations = [];
            }

            durations.Add(activity.Duration.TotalMilliseconds);
        }
    }
}
