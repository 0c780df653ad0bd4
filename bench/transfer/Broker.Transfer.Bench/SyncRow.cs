using System.Diagnostics;
using System.Globalization;

namespace Broker.Transfer.Bench;

/// <summary>
/// Row 2: a 1 % change (random 64 KiB extents) sealed as a new layer on the client and pushed
/// (a child process), against <c>rsync --inplace</c> of the client's flattened image onto the
/// image before the change, interleaved run by run; each run adds the next change set on both sides.
/// Bytes on the wire: ours from the client's sockets (HTTP/2 framing included), rsync's from <c>--stats</c>.
/// </summary>
internal sealed class SyncRow(BenchLayout layout, HostProcess host, ClientLayout client, string ticket, string rsyncUrl)
{
    public Samples Ours { get; } = new();

    public Samples Rsync { get; } = new();

    public Samples OursWire { get; } = new();

    public Samples RsyncWire { get; } = new();

    public Samples ClientCpu { get; } = new();

    public Samples HostCpu { get; } = new();

    public async Task RunOnceAsync(int seed)
    {
        var layerId = await Preparation.ChangeClientChainAsync(client, seed);
        Preparation.ChangeClientFlatImage(layout, seed);

        var hostBefore = host.CpuTime;
        var watch = Stopwatch.StartNew();
        await using (var child = ChildProcess.StartSelf(["push", host.Port.ToString(CultureInfo.InvariantCulture), ticket, client.Directory, layerId.ToString(CultureInfo.InvariantCulture), BenchLayout.Epoch.ToString(CultureInfo.InvariantCulture)]))
        {
            var usage = ClientUsage.Parse(await child.ExitAsync());
            Ours.Add(watch.Elapsed.TotalSeconds);
            HostCpu.Add((host.CpuTime - hostBefore).TotalSeconds);
            ClientCpu.Add(usage.CpuSeconds);
            OursWire.Add(usage.WireBytes);
        }

        var (seconds, lines) = await ChildProcess.TimeAsync("rsync", "-a", "--inplace", "--stats", layout.ClientFlatImage, $"{rsyncUrl}/push/{BenchLayout.ImageName}");
        Rsync.Add(seconds);
        RsyncWire.Add(StatsBytes(lines, "Total bytes sent:") + StatsBytes(lines, "Total bytes received:"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sync run {Ours.Count}: ours {Ours.Last:F2} s, {OursWire.Last / 1e6:F1} MB on the wire; rsync --inplace {Rsync.Last:F2} s, {RsyncWire.Last / 1e6:F1} MB"));
    }

    private static long StatsBytes(IReadOnlyList<string> lines, string label)
    {
        var line = lines.FirstOrDefault(line => line.StartsWith(label, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"rsync --stats printed no '{label}' line.");
        return long.Parse(new string([.. line[label.Length..].TakeWhile(c => c != '(').Where(char.IsAsciiDigit)]), CultureInfo.InvariantCulture);
    }
}
