using System.Globalization;

namespace Broker.Transfer.Bench;

/// <summary>The result table (markdown, as docs/performance.md keeps it) with each target and whether it was met; rows not run are left out.</summary>
internal static class BenchReport
{
    private const double Gigabyte = 1e9;
    private const double Megabyte = 1e6;

    public static void Print(int runs, PullRow pull, SyncRow? sync, ResumeRow? resume)
    {
        var dataGigabytes = BenchData.DataBytes / Gigabyte;
        var changed = BenchData.ChangedBytes;
        var peakRss = pull.PeakRss.Max / Megabyte;
        Console.WriteLine();
        Console.WriteLine(Invariant($"{runs} runs each, A/B interleaved; seconds min / **median** / max; ratio = peer ÷ ours, pair by pair (> 1: ours faster)"));
        Console.WriteLine();
        Console.WriteLine("| row | ours | peer | ratio peer ÷ ours | target | met |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        Row("1. initial pull (the call, to durable) vs rsync -aSz zstd", pull.OursCall, pull.RsyncZstd, "≥ 2.0", 2.0);
        Row("1. initial pull (the call, to durable) vs rsync -aS --whole-file", pull.OursCall, pull.RsyncWholeFile, "—", null);
        Row("1. initial pull (the call, to durable) vs cp --sparse=always + sync", pull.OursCall, pull.CpSync, "≥ 1.0", 1.0);
        Row("1. initial pull child process wall (runtime start included) vs rsync -aSz zstd", pull.Ours, pull.RsyncZstd, "—", null);
        Row("1. initial pull child process wall (runtime start included) vs cp --sparse=always + sync", pull.Ours, pull.CpSync, "—", null);
        Console.WriteLine(Invariant($"| — cp alone / sync alone | | {pull.Cp.Format()} / {pull.Sync.Format()} | | | |"));
        if (sync is not null)
        {
            var wireRatio = sync.OursWire.Scaled(1.0 / changed);
            Row("2. 1 % change: push (in the warm client process, call to durable ack) vs rsync --inplace", sync.OursInProcess, sync.Rsync, "≥ 20", 20.0);
            Row("2. 1 % change: push child process wall (start, JIT, warm-up push included) vs rsync --inplace", sync.Ours, sync.Rsync, "—", null);
            Console.WriteLine(Invariant($"| 2. bytes on the wire ÷ changed bytes ({changed / Megabyte:F1} MB) | {wireRatio.Format("F3")} | {sync.RsyncWire.Scaled(1.0 / changed).Format("F3")} | | ≤ 1.1 | {Met(wireRatio.Median <= 1.1)} |"));
        }

        if (resume is not null)
        {
            var resentPerStream = (double)resume.ResentChunks / ResumeRow.Streams;
            Console.WriteLine(Invariant($"| 3. resume after SIGKILL at {resume.KilledAtPercent:F0} %: chunks re-sent per stream ({resume.ResentChunks} over {ResumeRow.Streams}) | {resentPerStream:F2} | | | ≤ 2 | {Met(resentPerStream <= 2)} |"));
        }

        Console.WriteLine(Invariant($"| 4. client peak RSS during the pull (MB) | {pull.PeakRss.Format("F0").Replace("**", string.Empty, StringComparison.Ordinal)} → max {peakRss:F0} | | | < 150 | {Met(peakRss < 150)} |"));
        Console.WriteLine(Invariant($"| 4. pull CPU-s per GB of data, client / host | {pull.ClientCpu.Scaled(1 / dataGigabytes).Format()} / {pull.HostCpu.Scaled(1 / dataGigabytes).Format()} | | | — | |"));
        if (sync is not null)
        {
            Console.WriteLine(Invariant($"| 4. push CPU-s per GB changed, client timed push / client process / host | {sync.ClientPushCpu.Scaled(Gigabyte / changed).Format()} / {sync.ClientCpu.Scaled(Gigabyte / changed).Format()} / {sync.HostCpu.Scaled(Gigabyte / changed).Format()} | | | — | |"));
        }

        Console.WriteLine();
        Console.WriteLine(Invariant($"pull wire bytes (ours, both directions) {pull.WireBytes.Median / Megabyte:F0} MB for {BenchData.DataBytes / Megabyte:F0} MB of data"));
        if (resume is not null)
        {
            Console.WriteLine(Invariant($"resumed pull took {resume.ResumeSeconds:F2} s"));
        }
    }

    private static void Row(string name, Samples ours, Samples peer, string target, double? goal)
    {
        var ratio = Samples.Ratios(peer, ours);
        var met = goal is { } value ? Met(ratio.Median >= value) : string.Empty;
        Console.WriteLine($"| {name} | {ours.Format()} s | {peer.Format()} s | {ratio.Format()} | {target} | {met} |");
    }

    private static string Met(bool met) => met ? "yes" : "**no**";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
