using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Broker.Transfer.Bench;

/// <summary>
/// Listens to the pull's <see cref="TransferActivities"/> in the client process and sums, per phase,
/// the wall time and this process's CPU time (all threads, so phases that overlap share it). Prints
/// <c>phase NAME SECONDS CPU-SECONDS</c> lines.
/// </summary>
internal sealed class PhaseTimer : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<string, (double Seconds, double Cpu)> _phases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Activity, TimeSpan> _cpuAtStart = new();

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
    }

    public void Print()
    {
        foreach (var (name, (seconds, cpu)) in _phases.OrderBy(phase => phase.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"phase {name} {seconds:F3} {cpu:F3}"));
        }
    }

    public void Dispose() => _listener.Dispose();

    private static TimeSpan Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
