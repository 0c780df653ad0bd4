using System.Diagnostics;
using System.Globalization;

namespace Broker.Transfer.Bench;

/// <summary>The push tickets of the bench desktop and of the warm-up desktop.</summary>
internal sealed record PushTickets(string Desktop, string WarmUp);

/// <summary>
/// Row 2: a 1 % change (random 64 KiB extents) sealed as a new layer on the client and pushed
/// (a child process, warmed up by an untimed push of a tiny layer of another desktop first, as a
/// running client agent is warm), against <c>rsync --inplace</c> of the client's flattened image onto
/// the image before the change, interleaved run by run; each run adds the next change set on both
/// sides. Ours is timed twice: in the child from the push call to the durable ack (<c>push.layer</c>)
/// and as the child's process wall time (runtime start, JIT and the warm-up included).
/// Bytes on the wire: ours from the client's sockets during the timed push (HTTP/2 framing
/// included), rsync's from <c>--stats</c>.
/// </summary>
internal sealed class SyncRow
{
    private readonly BenchLayout _layout;
    private readonly HostProcess _host;
    private readonly ClientLayout _client;
    private readonly PushTickets _tickets;
    private readonly string _rsyncUrl;

    private SyncRow(BenchLayout layout, HostProcess host, ClientLayout client, PushTickets tickets, string rsyncUrl)
    {
        _layout = layout;
        _host = host;
        _client = client;
        _tickets = tickets;
        _rsyncUrl = rsyncUrl;
    }

    /// <summary>Wall time of the push child process.</summary>
    public Samples Ours { get; } = new();

    /// <summary>The push inside the warm child, from the call to the durable ack.</summary>
    public Samples OursInProcess { get; } = new();

    public Samples Rsync { get; } = new();

    public Samples OursWire { get; } = new();

    public Samples RsyncWire { get; } = new();

    /// <summary>The push child's whole CPU time (start, JIT and warm-up included).</summary>
    public Samples ClientCpu { get; } = new();

    /// <summary>The client's CPU time during the timed push.</summary>
    public Samples ClientPushCpu { get; } = new();

    public Samples HostCpu { get; } = new();

    public static async Task<SyncRow> StartAsync(BenchLayout layout, HostProcess host, ClientLayout client, PushTickets tickets, string rsyncUrl)
    {
        await PushWarmUp.CreateClientChainAsync(client);
        return new SyncRow(layout, host, client, tickets, rsyncUrl);
    }

    public async Task RunOnceAsync(int seed)
    {
        var layerId = await Preparation.ChangeClientChainAsync(_client, seed);
        Preparation.ChangeClientFlatImage(_layout, seed);

        var hostBefore = _host.CpuTime;
        var watch = Stopwatch.StartNew();
        ClientUsage usage;
        await using (var child = ChildProcess.StartSelf(["push", Invariant($"{_host.Port}"), _tickets.Desktop, _tickets.WarmUp, _client.Directory, Invariant($"{layerId}"), Invariant($"{BenchLayout.Epoch}")]))
        {
            usage = ClientUsage.Parse(await child.ExitAsync());
            Ours.Add(watch.Elapsed.TotalSeconds);
            HostCpu.Add((_host.CpuTime - hostBefore).TotalSeconds);
        }

        var push = usage.Phases.Single(phase => phase.Name == TransferActivities.Push);
        OursInProcess.Add(push.Seconds);
        ClientPushCpu.Add(push.CpuSeconds);
        ClientCpu.Add(usage.CpuSeconds);
        OursWire.Add(usage.WireBytes);

        var (seconds, lines) = await ChildProcess.TimeAsync("rsync", "-a", "--inplace", "--stats", _layout.ClientFlatImage, $"{_rsyncUrl}/push/{BenchLayout.ImageName}");
        Rsync.Add(seconds);
        RsyncWire.Add(StatsBytes(lines, "Total bytes sent:") + StatsBytes(lines, "Total bytes received:"));
        Console.WriteLine(Invariant($"sync run {Ours.Count}: ours {OursInProcess.Last:F3} s in process ({Ours.Last:F2} s process wall), {OursWire.Last / 1e6:F1} MB on the wire; rsync --inplace {Rsync.Last:F2} s, {RsyncWire.Last / 1e6:F1} MB"));
        Console.WriteLine($"  push phases: {usage.FormatPhases()}");
    }

    private static long StatsBytes(IReadOnlyList<string> lines, string label)
    {
        var line = lines.FirstOrDefault(line => line.StartsWith(label, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"rsync --stats printed no '{label}' line.");
        return long.Parse(new string([.. line[label.Length..].TakeWhile(c => c != '(').Where(char.IsAsciiDigit)]), CultureInfo.InvariantCulture);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
