using System.Globalization;

namespace Broker.Nbd.Bench;

/// <summary>
/// One <c>qemu-img bench</c> row: <paramref name="Count"/> requests of <paramref name="Size"/> bytes
/// with <paramref name="Depth"/> in flight, sequential from offset 0 (qemu-img bench's default step).
/// </summary>
internal sealed record BenchRow(string Name, bool Write, int Size, int Depth, int Count)
{
    /// <summary>Rows with requests of 1 MiB and more report GB/s; smaller ones IOPS.</summary>
    public bool IsThroughput => Size >= 1024 * 1024;

    /// <summary>The row's figure (IOPS or GB/s) for a run of <paramref name="seconds"/>.</summary>
    public double Figure(double seconds) => IsThroughput ? (double)Size * Count / seconds / 1e9 : Count / seconds;

    /// <summary>Arguments of <c>qemu-img bench</c> for <paramref name="count"/> requests against the NBD socket.</summary>
    public List<string> QemuImgArguments(string socketPath, int count)
    {
        var arguments = new List<string>
        {
            "bench", "-f", "raw",
            "-d", Depth.ToString(CultureInfo.InvariantCulture),
            "-c", count.ToString(CultureInfo.InvariantCulture),
            "-s", Size.ToString(CultureInfo.InvariantCulture),
        };
        if (Write)
        {
            arguments.AddRange(["-w", "--pattern=165"]);
        }

        arguments.Add($"nbd+unix:///?socket={socketPath}");
        return arguments;
    }
}
