using System.Globalization;

namespace Broker.Transfer.Bench;

/// <summary>What a client child reported about itself (its <c>usage</c> line and, for a pull, its <c>phase</c>, <c>stage</c> and <c>gc</c> lines).</summary>
internal sealed record ClientUsage(double CpuSeconds, long PeakRssBytes, long WireRead, long WireWritten, IReadOnlyList<PhaseUsage> Phases, IReadOnlyList<string> Details)
{
    public long WireBytes => WireRead + WireWritten;

    public static ClientUsage Parse(IReadOnlyList<string> lines)
    {
        var words = lines.LastOrDefault(line => line.StartsWith("usage ", StringComparison.Ordinal))?.Split(' ')
            ?? throw new InvalidOperationException("The client printed no usage line.");
        var phases = lines
            .Where(line => line.StartsWith("phase ", StringComparison.Ordinal))
            .Select(line => line.Split(' '))
            .Select(phase => new PhaseUsage(phase[1], Number(phase[2]), Number(phase[3])))
            .ToList();
        var details = lines.Where(line => line.StartsWith("stage ", StringComparison.Ordinal) || line.StartsWith("gc ", StringComparison.Ordinal)).ToList();
        return new ClientUsage(
            Number(words[1]),
            long.Parse(words[2], CultureInfo.InvariantCulture),
            long.Parse(words[3], CultureInfo.InvariantCulture),
            long.Parse(words[4], CultureInfo.InvariantCulture),
            phases,
            details);
    }

    /// <summary>The pull's stage sums and GC figures as printed, for a run's log line.</summary>
    public string FormatDetails() => string.Join(", ", Details);

    /// <summary>"name wall s / cpu CPU-s, ..." for a run's log line.</summary>
    public string FormatPhases() =>
        string.Join(", ", Phases.Select(phase => string.Create(CultureInfo.InvariantCulture, $"{phase.Name} {phase.Seconds:F2} s / {phase.CpuSeconds:F2} CPU-s")));

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}

/// <summary>One phase of a pull (<see cref="TransferActivities"/>): summed wall time and the client's CPU time meanwhile.</summary>
internal sealed record PhaseUsage(string Name, double Seconds, double CpuSeconds);
