using System.Diagnostics;

namespace Broker.Disks.Tests.Layers;

/// <summary>
/// Records the layer store's traced steps (the <c>Broker.Disks.Layers</c> activity source) that run
/// under this trace's own root activity, started by the constructor on the calling async flow, so
/// steps of tests running at the same time in other flows are not recorded.
/// </summary>
internal sealed class LayerTrace : IDisposable
{
    private const string SourceName = "Broker.Disks.Tests.LayerTrace";
    private static readonly ActivitySource Source = new(SourceName);

    private readonly ActivityListener _listener;
    private readonly Activity _root;
    private readonly List<Activity> _stopped = [];

    public LayerTrace()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Broker.Disks.Layers" or SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
        _root = Source.StartActivity("test") ?? throw new InvalidOperationException("The trace's own source was not sampled.");
    }

    /// <summary>The recorded steps named <paramref name="name"/> (whose outermost operation is <paramref name="operation"/> when given), in the order they stopped.</summary>
    public IReadOnlyList<Activity> Steps(string name, string? operation = null)
    {
        lock (_stopped)
        {
            return [.. _stopped.Where(activity => activity.OperationName == name && (operation is null || Operation(activity) == operation))];
        }
    }

    public void Dispose()
    {
        _root.Dispose();
        _listener.Dispose();
    }

    /// <summary>The name of the outermost store activity <paramref name="activity"/> runs under.</summary>
    private string Operation(Activity activity)
    {
        var outermost = activity;
        while (outermost.Parent is { } parent && parent != _root)
        {
            outermost = parent;
        }

        return outermost.OperationName;
    }

    private void Record(Activity activity)
    {
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent == _root)
            {
                lock (_stopped)
                {
                    _stopped.Add(activity);
                }

                return;
            }
        }
    }
}
