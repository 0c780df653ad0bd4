using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Nbd.Bench;

/// <summary>
/// qemu-nbd and our server serve the same 4 GiB dynamic VHDX in turn; <c>qemu-img bench</c> drives
/// each over <c>nbd+unix://</c>. Every run starts a fresh server, warms it with a short untimed
/// loop, then times the row (qemu-img's own "Run completed" figure). Ratio = ours ÷ qemu-nbd per pair.
/// </summary>
internal static partial class ThroughputBench
{
    public const long VirtualSize = 4L << 30;
    private const int KiB = 1024;
    private const int MiB = 1024 * KiB;

    private static readonly BenchRow[] Rows =
    [
        new("4 KiB read, QD1", false, 4 * KiB, 1, 20000),
        new("4 KiB write, QD1", true, 4 * KiB, 1, 20000),
        new("4 KiB read, QD16", false, 4 * KiB, 16, 40000),
        new("4 KiB write, QD16", true, 4 * KiB, 16, 40000),
        new("1 MiB sequential read, QD4", false, MiB, 4, 2048),
        new("1 MiB sequential write, QD4", true, MiB, 4, 1024),
    ];

    public static async Task RunAsync(string work, int runs, string filter)
    {
        Directory.CreateDirectory(work);
        var image = Path.Combine(work, "base.vhdx");
        var socket = Path.Combine(work, "nbd.sock");
        await PrepareImageAsync(image);
        Console.WriteLine($"{"row",-28} {"qemu-nbd (min/med/max)",-26} {"ours (min/med/max)",-26} ratio ours÷qemu-nbd (min/med/max)");
        double peakRss = 0, qemuPeakRss = 0;
        foreach (var row in Rows.Where(row => row.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            var qemu = new List<double>();
            var ours = new List<double>();
            var ratios = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                await using (var server = await ServerProcess.StartQemuNbdAsync(image, socket))
                {
                    qemu.Add(row.Figure(await TimeRowAsync(row, socket)));
                    qemuPeakRss = Math.Max(qemuPeakRss, server.PeakRssMiB());
                }

                await using (var server = await ServerProcess.StartOursAsync(image, socket))
                {
                    ours.Add(row.Figure(await TimeRowAsync(row, socket)));
                    peakRss = Math.Max(peakRss, server.PeakRssMiB());
                }

                ratios.Add(ours[^1] / qemu[^1]);
            }

            var format = row.IsThroughput ? "F2" : "F0";
            var unit = row.IsThroughput ? " GB/s" : " IOPS";
            Console.WriteLine($"{row.Name,-28} {Spread(qemu, format) + unit,-26} {Spread(ours, format) + unit,-26} {Spread(ratios, "F2")}");
        }

        Console.WriteLine($"peak RSS of the server process over all runs: ours {peakRss:F0} MiB, qemu-nbd {qemuPeakRss:F0} MiB");
    }

    /// <summary>The image: 4 GiB dynamic (32 MiB blocks), every block written, with one 4 MiB random pattern (seed 1) repeated.</summary>
    private static async Task PrepareImageAsync(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        Console.WriteLine($"preparing {path}: 4 GiB dynamic VHDX, every block written");
        var partial = path + ".partial";
        await using (var file = await VhdxFile.CreateAsync(FileStorage.Instance, partial, VhdxCreateOptions.Dynamic(VirtualSize), CancellationToken.None))
        {
            var chunk = new byte[4 * MiB];
            new Random(1).NextBytes(chunk);
            for (long offset = 0; offset < VirtualSize; offset += chunk.Length)
            {
                await file.WriteAsync(offset, chunk, CancellationToken.None);
            }

            await file.FlushAsync(CancellationToken.None);
        }

        File.Move(partial, path);
    }

    /// <summary>An untimed warm-up of a tenth of the row, then the timed row; returns qemu-img's run time.</summary>
    private static async Task<double> TimeRowAsync(BenchRow row, string socket)
    {
        _ = await QemuImgBenchAsync(row.QemuImgArguments(socket, Math.Max(row.Count / 10, 16)));
        return await QemuImgBenchAsync(row.QemuImgArguments(socket, row.Count));
    }

    private static async Task<double> QemuImgBenchAsync(List<string> arguments)
    {
        var start = new ProcessStartInfo("qemu-img", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("qemu-img did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var match = RunCompleted().Match(await output);
        return process.ExitCode == 0 && match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"qemu-img {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
    }

    private static string Spread(List<double> values, string format)
    {
        var sorted = values.Order().ToList();
        return string.Join(" / ", new[] { sorted[0], sorted[sorted.Count / 2], sorted[^1] }.Select(value => value.ToString(format, CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"Run completed in ([0-9.]+) seconds")]
    private static partial Regex RunCompleted();
}
