using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Broker.Disks.Layers;
using Broker.Qemu;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Nbd.Bench;

/// <summary>
/// Seal and merge latency under load: the churn guest boots again and again under QEMU from a layer
/// store's live device served by our NbdServer, while <see cref="LayerStoreNbdExtensions.SealServedAsync"/>
/// runs every <see cref="SealInterval"/> and <see cref="LayerStoreNbdExtensions.MergeServedAsync"/>
/// folds the sealed layers into one whenever there are <see cref="MaxSealedLayers"/>. Each seal and
/// merge is timed from the call to its return and broken down by step (<see cref="ChangeTrace"/>;
/// the <c>pause</c> step is what the guest waits). Every boot must print "verify ok", or the run fails.
/// </summary>
internal static class SealLatencyBench
{
    private const long DiskBytes = 64L * 1024 * 1024;
    private const string Export = "live";
    private const int MaxSealedLayers = 8;
    private static readonly TimeSpan SealInterval = TimeSpan.FromMilliseconds(50);

    public static async Task RunAsync(string work, int boots)
    {
        var directory = Path.Combine(work, "seal");
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        var basePath = Path.Combine(directory, "base.vhdx");
        await using (var baseFile = await VhdxFile.CreateAsync(FileStorage.Instance, basePath, VhdxCreateOptions.Dynamic(DiskBytes, blockSize: 1024 * 1024), CancellationToken.None))
        {
            await baseFile.WriteAsync(0, await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "guests", "churn.bin")), CancellationToken.None);
            await baseFile.FlushAsync(CancellationToken.None);
        }

        await using var store = await LayerStore.CreateAsync(FileStorage.Instance, Path.Combine(directory, "desktop"), basePath, new string('0', 64), null, CancellationToken.None);
        await using var server = new NbdServer();
        server.AddExport(Export, await store.OpenLiveDeviceAsync(CancellationToken.None));
        var socketPath = Path.Combine(directory, "nbd.sock");
        server.Start(new UnixDomainSocketEndPoint(socketPath));

        using var sealTrace = new ChangeTrace("seal", ChangeTrace.SealSteps);
        using var mergeTrace = new ChangeTrace("merge", ChangeTrace.MergeSteps);
        var latencies = new List<double>();
        var mergeLatencies = new List<double>();
        for (var boot = 1; boot <= boots; boot++)
        {
            var spec = new VmSpec
            {
                Name = $"churn-{boot}",
                MemoryMiB = 32,
                Disk = new NbdDisk(socketPath, Export),
                SerialLogPath = Path.Combine(directory, $"serial-{boot}.log"),
                QmpSocketPath = Path.Combine(directory, "qmp.sock"),
            };
            var options = new QemuOptions { PowerdownTimeout = TimeSpan.FromSeconds(1), QuitTimeout = TimeSpan.FromSeconds(10) };
            await using (var vm = await QemuVm.StartAsync(spec, options, TimeProvider.System, CancellationToken.None))
            {
                while (!vm.Exited.IsCompleted)
                {
                    var seal = Stopwatch.StartNew();
                    _ = await store.SealServedAsync(server, Export, CancellationToken.None);
                    latencies.Add(seal.Elapsed.TotalMilliseconds);
                    await MergeWhenLongAsync(store, server, mergeLatencies);
                    _ = await Task.WhenAny(vm.Exited, Task.Delay(SealInterval));
                }

                var serial = (await File.ReadAllTextAsync(spec.SerialLogPath)).Trim();
                var expected = $"verify ok {boot} sectors {(boot - 1) * 128}";
                if (await vm.Exited != 0 || serial != expected)
                {
                    throw new InvalidOperationException($"boot {boot}: expected '{expected}', QEMU exit {await vm.Exited}, serial '{serial}'\n{vm.Output}");
                }
            }
        }

        latencies.Sort();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"seal latency while the churn guest runs ({boots} boots, every boot verified, {latencies.Count} seals, one per {SealInterval.TotalMilliseconds} ms): p50 {ChangeTrace.Percentile(latencies, 0.50):F1} ms, p99 {ChangeTrace.Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms"));
        Console.WriteLine(sealTrace.Report());
        if (mergeLatencies.Count > 0)
        {
            mergeLatencies.Sort();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"merge latency (same run, {mergeLatencies.Count} merges of {MaxSealedLayers} sealed layers): p50 {ChangeTrace.Percentile(mergeLatencies, 0.50):F1} ms, p99 {ChangeTrace.Percentile(mergeLatencies, 0.99):F1} ms, max {mergeLatencies[^1]:F1} ms"));
            Console.WriteLine(mergeTrace.Report());
        }
    }

    /// <summary>Keeps the chain short: folds the sealed layers into one, timed into <paramref name="latencies"/>.</summary>
    private static async Task MergeWhenLongAsync(LayerStore store, NbdServer server, List<double> latencies)
    {
        var sealedLayers = store.Manifest.CurrentChain();
        if (sealedLayers.Count >= MaxSealedLayers)
        {
            var merge = Stopwatch.StartNew();
            _ = await store.MergeServedAsync(server, Export, sealedLayers[0].Id, sealedLayers[^1].Id, CancellationToken.None);
            latencies.Add(merge.Elapsed.TotalMilliseconds);
        }
    }
}
