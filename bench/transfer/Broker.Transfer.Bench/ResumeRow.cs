using System.Diagnostics;
using System.Globalization;
using Broker.Transfer.Client;

namespace Broker.Transfer.Bench;

/// <summary>
/// Row 3: a pull killed with SIGKILL once its progress passes half, then run again to the end.
/// Re-sent = the chunks the host served in both runs minus what a clean pull is served.
/// </summary>
internal sealed class ResumeRow(BenchLayout layout, HostProcess host, string ticket)
{
    public long ResentChunks { get; private set; }

    public double KilledAtPercent { get; private set; }

    public double ResumeSeconds { get; private set; }

    public static int Streams => new PullOptions().Streams;

    public async Task RunAsync(long cleanPullChunks)
    {
        var client = new ClientLayout(layout.Client("resume"));
        if (Directory.Exists(client.Directory))
        {
            Directory.Delete(client.Directory, recursive: true);
        }

        await host.QuietAsync();
        var before = host.ServedChunks;
        var arguments = new[] { "pull", host.Port.ToString(CultureInfo.InvariantCulture), ticket, client.Directory };
        ChildProcess? killed = null;
        await using (killed = ChildProcess.StartSelf(arguments, line => KillPastHalf(killed!, line)))
        {
            _ = await killed.ExitAsync(mayFail: true);
        }

        if (KilledAtPercent == 0)
        {
            throw new InvalidOperationException("The pull ended before it could be killed half-way.");
        }

        var watch = Stopwatch.StartNew();
        ClientUsage usage;
        await using (var resumed = ChildProcess.StartSelf(arguments))
        {
            usage = ClientUsage.Parse(await resumed.ExitAsync());
        }

        ResumeSeconds = watch.Elapsed.TotalSeconds;
        await host.QuietAsync();
        ResentChunks = host.ServedChunks - before - cleanPullChunks;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resume: killed at {KilledAtPercent:F0} %, re-sent {ResentChunks} chunks, resumed pull {ResumeSeconds:F2} s (client {usage.CpuSeconds:F2} CPU-s; {usage.FormatPhases()})"));
    }

    private void KillPastHalf(ChildProcess child, string line)
    {
        var words = line.Split(' ');
        if (words[0] != "progress" || KilledAtPercent != 0)
        {
            return;
        }

        var percent = 100.0 * long.Parse(words[1], CultureInfo.InvariantCulture) / long.Parse(words[2], CultureInfo.InvariantCulture);
        if (percent >= 50)
        {
            KilledAtPercent = percent;
            child.Kill();
        }
    }
}
