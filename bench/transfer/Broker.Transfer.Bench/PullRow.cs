using System.Diagnostics;
using System.Globalization;

namespace Broker.Transfer.Bench;

/// <summary>
/// Row 1 (and the usage of row 4): our initial pull into an empty client (a child process, ended by
/// the puller's own fsyncs) against rsync from the daemon (zstd, and whole-file without
/// compression) and <c>cp --sparse=always</c> + <c>sync</c>, interleaved run by run. Ours is timed
/// twice: the pull call (<see cref="TransferActivities.Pull"/>, as a running client agent makes it,
/// though in a fresh process, so its code is compiled on the way) and the child process's wall
/// time (the .NET runtime's start and the channel's set-up added).
/// </summary>
internal sealed class PullRow(BenchLayout layout, HostProcess host, string ticket, string rsyncUrl)
{
    public Samples Ours { get; } = new();

    public Samples OursCall { get; } = new();

    public Samples RsyncZstd { get; } = new();

    public Samples RsyncWholeFile { get; } = new();

    public Samples Cp { get; } = new();

    public Samples Sync { get; } = new();

    public Samples CpSync { get; } = new();

    public Samples ClientCpu { get; } = new();

    public Samples HostCpu { get; } = new();

    public Samples PeakRss { get; } = new();

    public Samples WireBytes { get; } = new();

    /// <summary>The client directory the last pull filled (the sync row continues from it).</summary>
    public ClientLayout Client { get; } = new(layout.Client("pull"));

    /// <summary>An untimed pull: the host builds its manifest cache, the page cache warms. Returns the chunks a clean pull is served.</summary>
    public async Task<long> WarmUpAsync()
    {
        var before = host.ServedChunks;
        await EmptyClientAsync();
        _ = await PullAsync();
        await host.QuietAsync();
        return host.ServedChunks - before;
    }

    public async Task RunOnceAsync()
    {
        await EmptyClientAsync();
        var hostBefore = host.CpuTime;
        var watch = Stopwatch.StartNew();
        var usage = await PullAsync();
        Ours.Add(watch.Elapsed.TotalSeconds);
        OursCall.Add(usage.Phases.Single(phase => phase.Name == TransferActivities.Pull).Seconds);
        HostCpu.Add((host.CpuTime - hostBefore).TotalSeconds);
        ClientCpu.Add(usage.CpuSeconds);
        PeakRss.Add(usage.PeakRssBytes);
        WireBytes.Add(usage.WireBytes);

        RsyncZstd.Add(await PeerAsync("rsync", "-aSz", "--compress-choice=zstd", $"{rsyncUrl}/src/{BenchLayout.ImageName}", layout.PeerPullDirectory + "/"));
        RsyncWholeFile.Add(await PeerAsync("rsync", "-aS", "--whole-file", $"{rsyncUrl}/src/{BenchLayout.ImageName}", layout.PeerPullDirectory + "/"));
        var cp = await PeerAsync("cp", "--sparse=always", layout.FlatImage, Path.Combine(layout.PeerPullDirectory, BenchLayout.ImageName));
        var (sync, _) = await ChildProcess.TimeAsync("sync");
        Cp.Add(cp);
        Sync.Add(sync);
        CpSync.Add(cp + sync);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pull run {Ours.Count}: ours {OursCall.Last:F2} s call, {Ours.Last:F2} s process (client {usage.CpuSeconds:F2} CPU-s, host {HostCpu.Last:F2} CPU-s; {usage.FormatPhases()}; {usage.FormatDetails()})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pull run {Ours.Count}: rsync zstd {RsyncZstd.Last:F2} s, rsync whole-file {RsyncWholeFile.Last:F2} s, cp {cp:F2} s + sync {sync:F2} s"));
    }

    /// <summary>
    /// Deletes the last pull's files and waits for the deletion to reach the disk, untimed: on a
    /// filesystem mounted with <c>discard</c> unlinking 2 GiB takes seconds.
    /// </summary>
    private async Task EmptyClientAsync()
    {
        if (Directory.Exists(Client.Directory))
        {
            Directory.Delete(Client.Directory, recursive: true);
        }

        _ = await ChildProcess.TimeAsync("sync");
    }

    /// <summary>One pull into the emptied client directory, in a child process.</summary>
    private async Task<ClientUsage> PullAsync()
    {
        await using var child = ChildProcess.StartSelf(["pull", host.Port.ToString(CultureInfo.InvariantCulture), ticket, Client.Directory]);
        return ClientUsage.Parse(await child.ExitAsync());
    }

    /// <summary>A peer's copy into the emptied peer directory (emptied untimed, as for ours), timed.</summary>
    private async Task<double> PeerAsync(string executable, params string[] arguments)
    {
        File.Delete(Path.Combine(layout.PeerPullDirectory, BenchLayout.ImageName));
        _ = await ChildProcess.TimeAsync("sync");
        var (seconds, _) = await ChildProcess.TimeAsync(executable, arguments);
        return seconds;
    }
}
