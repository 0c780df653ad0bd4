namespace Broker.Vhdx.Bench;

/// <summary>
/// One benchmark row: <paramref name="Count"/> requests of <paramref name="Size"/> bytes, each
/// <paramref name="Step"/> bytes after the last (wrapping as qemu-img bench does), on
/// <paramref name="Image"/>; <paramref name="Fresh"/> rows recreate the image before every run.
/// </summary>
internal sealed record BenchRow(string Name, BenchImage Image, bool Write, int Size, long Step, int Count, bool Fresh);
