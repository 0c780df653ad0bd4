using System.Globalization;

namespace Broker.Transfer.Bench;

/// <summary>What a client child reported about itself (its <c>usage</c> line).</summary>
internal sealed record ClientUsage(double CpuSeconds, long PeakRssBytes, long WireRead, long WireWritten)
{
    public long WireBytes => WireRead + WireWritten;

    public static ClientUsage Parse(IReadOnlyList<string> lines)
    {
        var words = lines.LastOrDefault(line => line.StartsWith("usage ", StringComparison.Ordinal))?.Split(' ')
            ?? throw new InvalidOperationException("The client printed no usage line.");
        return new ClientUsage(
            double.Parse(words[1], CultureInfo.InvariantCulture),
            long.Parse(words[2], CultureInfo.InvariantCulture),
            long.Parse(words[3], CultureInfo.InvariantCulture),
            long.Parse(words[4], CultureInfo.InvariantCulture));
    }
}
