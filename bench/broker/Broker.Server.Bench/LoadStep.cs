using System.Globalization;

namespace Broker.Server.Bench;

/// <summary>What one step of the heartbeat load measured.</summary>
/// <param name="Offered">Heartbeats per second the generator aimed at.</param>
/// <param name="Sent">Heartbeats sent.</param>
/// <param name="Acked">Heartbeats the broker acked as accepted.</param>
/// <param name="Errors">Refused acks, failed sends and heartbeats not acked within the drain time.</param>
/// <param name="Sustained">Accepted acks per second, from the first send to the last ack.</param>
/// <param name="LatenciesMs">Send-to-ack time of every accepted heartbeat, sorted.</param>
/// <param name="BrokerCpuSeconds">The broker's CPU time during the step.</param>
/// <param name="BrokerRssMiB">The broker's resident set at the end of the step.</param>
/// <param name="Commands">Commands the broker pushed to the simulated agents during the step.</param>
/// <param name="FirstError">The first error's text, if any.</param>
internal sealed record LoadStep(
    double Offered,
    long Sent,
    long Acked,
    long Errors,
    double Sustained,
    IReadOnlyList<double> LatenciesMs,
    double BrokerCpuSeconds,
    double BrokerRssMiB,
    long Commands,
    string? FirstError)
{
    public double Percentile(double p) =>
        LatenciesMs.Count == 0 ? double.NaN : LatenciesMs[Math.Min(LatenciesMs.Count - 1, (int)Math.Ceiling(p / 100 * LatenciesMs.Count) - 1)];

    public static string Header => "| offered hb/s | sent | acked | errors | sustained hb/s | p50 ms | p99 ms | max ms | broker CPU-s | broker RSS MiB | commands pushed |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Offered:0} | {Sent} | {Acked} | {Errors} | {Sustained:0} | {Percentile(50):0.0} | {Percentile(99):0.0} | {(LatenciesMs.Count == 0 ? double.NaN : LatenciesMs[^1]):0.0} | {BrokerCpuSeconds:0.0} | {BrokerRssMiB:0} | {Commands} |");
}
