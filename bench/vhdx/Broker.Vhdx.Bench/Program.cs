using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Broker.Vhdx;
using Broker.Vhdx.Bench;
using Broker.Vhdx.Storage;

// Usage: Broker.Vhdx.Bench WORKDIR [RUNS] [ROW-NAME-FILTER]
// Ours (in process, FileStorage, QD1) and qemu-img bench (-d 1, -t writeback: both through the
// page cache) alternate on the same files; throughput ratio = ours ÷ qemu per run pair.
const long VirtualSize = 4L << 30;
const int KiB = 1024;
const int MiB = 1024 * KiB;
var work = args.Length > 0 ? args[0] : throw new ArgumentException("usage: Broker.Vhdx.Bench WORKDIR [RUNS] [FILTER]");
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var filter = args.Length > 2 ? args[2] : string.Empty;
var cancellationToken = CancellationToken.None;
Directory.CreateDirectory(work);
var basePath = Path.Combine(work, "base.vhdx");
var scratchPath = Path.Combine(work, "scratch.vhdx");

// A stride that is no multiple of the block size scatters QD1 requests over the whole disk (qemu-img
// bench has no random mode; both sides walk the same offsets).
const long Scatter = (211L * MiB) + (52 * KiB);
BenchRow[] rows =
[
    new("4 KiB scattered read", BenchImage.Base, false, 4 * KiB, Scatter, 20000, false),
    new("4 KiB scattered write", BenchImage.Base, true, 4 * KiB, Scatter, 20000, false),
    new("1 MiB sequential read", BenchImage.Base, false, MiB, MiB, 4096, false),
    new("1 MiB sequential write", BenchImage.Base, true, MiB, MiB, 2048, false),
    new("4 KiB allocating write (1 MiB blocks)", BenchImage.EmptyDynamic, true, 4 * KiB, MiB, 4096, true),
    new("child: 4 KiB scattered read (through)", BenchImage.Child, false, 4 * KiB, Scatter, 20000, true),
    new("child: 4 KiB scattered write (allocating)", BenchImage.Child, true, 4 * KiB, Scatter, 20000, true),
];

if (!File.Exists(basePath))
{
    Console.WriteLine($"preparing {basePath}: 4 GiB dynamic, every block written");
    await using var file = await VhdxFile.CreateAsync(FileStorage.Instance, basePath, VhdxCreateOptions.Dynamic(VirtualSize), cancellationToken);
    var chunk = new byte[4 * MiB];
    new Random(1).NextBytes(chunk);
    for (long offset = 0; offset < VirtualSize; offset += chunk.Length)
    {
        await file.WriteAsync(offset, chunk, cancellationToken);
    }
}

Console.WriteLine($"{"row",-42} {"ours MB/s (min/med/max)",-26} {"qemu MB/s (min/med/max)",-26} ratio (min/med/max)");
foreach (var row in rows.Where(row => row.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
{
    var ours = new List<double>();
    var qemu = new List<double>();
    var ratios = new List<double>();
    await RunOursAsync(row); // warm-up (JIT), not counted
    for (var run = 0; run < runs; run++)
    {
        var bytes = (double)row.Size * row.Count;
        var ourSeconds = await RunOursAsync(row);
        ours.Add(bytes / ourSeconds / 1e6);

        // qemu's vhdx driver refuses differencing files (ENOTSUP): child rows have no qemu side.
        if (row.Image != BenchImage.Child)
        {
            var qemuSeconds = await RunQemuAsync(row);
            qemu.Add(bytes / qemuSeconds / 1e6);
            ratios.Add(qemuSeconds / ourSeconds);
        }
    }

    Console.WriteLine($"{row.Name,-42} {Spread(ours, "F0"),-26} {Spread(qemu, "F0"),-26} {Spread(ratios, "F2")}");
}

return;

static string Spread(List<double> values, string format)
{
    if (values.Count == 0)
    {
        return "n/a";
    }

    var sorted = values.Order().ToList();
    return string.Join(" / ", new[] { sorted[0], sorted[sorted.Count / 2], sorted[^1] }.Select(value => value.ToString(format, CultureInfo.InvariantCulture)));
}

async Task<string> PrepareAsync(BenchRow row)
{
    if (row.Image == BenchImage.Base)
    {
        return basePath;
    }

    File.Delete(scratchPath);
    var options = row.Image == BenchImage.Child
        ? VhdxCreateOptions.Differencing(basePath)
        : VhdxCreateOptions.Dynamic(VirtualSize, MiB);
    await using (await VhdxFile.CreateAsync(FileStorage.Instance, scratchPath, options, cancellationToken))
    {
    }

    return scratchPath;
}

// Times the request loop and, for writes, the flush that makes it durable (ours commits BAT and
// bitmap changes there; qemu's side of a write row is timed from start to exit, see RunQemuAsync).
async Task<double> RunOursAsync(BenchRow row)
{
    var path = await PrepareAsync(row);
    await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, path, new VhdxOpenOptions { ReadOnly = !row.Write }, cancellationToken);
    var buffer = new byte[row.Size];
    buffer.AsSpan().Fill(0xA5);
    var stopwatch = Stopwatch.StartNew();
    long offset = 0;
    for (var i = 0; i < row.Count; i++)
    {
        if (row.Write)
        {
            await disk.WriteAsync(offset, buffer, cancellationToken);
        }
        else
        {
            await disk.ReadAsync(offset, buffer, cancellationToken);
        }

        offset = NextOffset(offset, row);
    }

    var loop = stopwatch.Elapsed.TotalSeconds;
    if (row.Write)
    {
        await disk.FlushAsync(cancellationToken);
    }

    var total = stopwatch.Elapsed.TotalSeconds;
    if (Environment.GetEnvironmentVariable("VHDX_BENCH_VERBOSE") is "1")
    {
        Console.Error.WriteLine($"  ours {row.Name}: loop {loop:F3} s, flush {total - loop:F3} s");
    }

    return total;
}

// qemu-img bench: offset += step, wrapped modulo (image size - request size).
static long NextOffset(long offset, BenchRow row) => (offset + row.Step) % (VirtualSize - row.Size);

async Task<double> RunQemuAsync(BenchRow row)
{
    var path = await PrepareAsync(row);
    var arguments = new List<string>
    {
        "bench", "-f", "vhdx", "-t", "writeback", "-i", "threads", "-d", "1",
        "-c", row.Count.ToString(CultureInfo.InvariantCulture),
        "-s", row.Size.ToString(CultureInfo.InvariantCulture),
        "-S", row.Step.ToString(CultureInfo.InvariantCulture),
    };
    if (row.Write)
    {
        arguments.AddRange(["-w", "--pattern=165", $"--flush-interval={row.Count}"]);
    }

    arguments.Add(path);
    var start = new ProcessStartInfo("qemu-img", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
    var wall = Stopwatch.StartNew();
    using var process = Process.Start(start) ?? throw new InvalidOperationException("qemu-img did not start");
    var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
    var error = await process.StandardError.ReadToEndAsync(cancellationToken);
    await process.WaitForExitAsync(cancellationToken);
    var exited = wall.Elapsed.TotalSeconds;
    var match = Regex.Match(output, @"Run completed in ([0-9.]+) seconds");
    var run = process.ExitCode == 0 && match.Success
        ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
        : throw new InvalidOperationException($"qemu-img bench failed ({process.ExitCode}): {output}{error}");
    if (!row.Write)
    {
        return run;
    }

    // qemu-img bench's "Run completed" leaves its writes in the page cache (--flush-interval=COUNT
    // puts no flush in the timed run); it flushes when it closes the image, after the timed run. A
    // write row therefore takes its whole process, start to exit, plus an fsync of the image file
    // (which finds nothing left to write when qemu flushed). Its start-up is included: a `-c 1` run
    // takes tens of ms start to exit on a quiet machine, against seconds for a write row.
    var fsync = Stopwatch.StartNew();
    using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
    {
        file.Flush(flushToDisk: true);
    }

    var total = exited + fsync.Elapsed.TotalSeconds;
    if (Environment.GetEnvironmentVariable("VHDX_BENCH_VERBOSE") is "1")
    {
        Console.Error.WriteLine($"  qemu {row.Name}: run {run:F3} s, start to exit {exited:F3} s, fsync after {fsync.Elapsed.TotalSeconds:F3} s");
    }

    return total;
}
