using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Broker.Transfer.Bench;

/// <summary>
/// Listens to the pull's <see cref="TransferActivities"/> in the client process and sums, per phase,
/// the wall time and this process's CPU time (all threads, so phases that overlap share it); and to
/// its <see cref="TransferMetrics"/>, summing each pull stage's seconds over all chunks and streams.
/// Prints <c>phase NAME SECONDS CPU-SECONDS</c> lines, <c>stage NAME SECONDS</c> lines and one
/// <c>gc GEN0 GEN1 GEN2 ALLOCATED-BYTES PAUSE-SECONDS</c> line.
/// </summary>
internal sealed class PhaseTimer : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<string, (double Seconds, double Cpu)> _phases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Activity, TimeSpan> _cpuAtStart = new();
    private readonly MeterListener _meterListener = new();
    private readonly ConcurrentDictionary<string, double> _stages = new(StringComparer.Ordinal);

    public PhaseTimer()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TransferActivities.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity => _cpuAtStart[activity] = Cpu(),
            ActivityStopped = activity =>
            {
                var cpu = _cpuAtStart.TryRemove(activity, out var start) ? (Cpu() - start).TotalSeconds : 0;
                _ = _phases.AddOrUpdate(activity.OperationName, (activity.Duration.TotalSeconds, cpu), (_, sum) => (sum.Seconds + activity.Duration.TotalSeconds, sum.Cpu + cpu));
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TransferMetrics.MeterName && instrument.Name == TransferMetrics.PullStageDuration)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meterListener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: TransferMetrics.StageTag, Value: string stage })
                {
                    _ = _stages.AddOrUpdate(stage, seconds, (_, sum) => sum + seconds);
                }
            }
        });
        _meterListener.Start();
    }

    public void Print()
    {
        foreach (var (name, (seconds, cpu)) in _phases.OrderBy(phase => phase.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"phase {name} {seconds:F3} {cpu:F3}"));
        }

        foreach (var (name, seconds) in _stages.OrderBy(stage => stage.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stage {name} {seconds:F3}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gc {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetTotalAllocatedBytes()} {GC.GetTotalPauseDuration().TotalSeconds:F3}"));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meterListener.Dispose();
    }

    private static TimeSpan Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
