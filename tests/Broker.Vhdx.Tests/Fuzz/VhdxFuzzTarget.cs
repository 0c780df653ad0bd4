using Broker.Testing.Storage;

namespace Broker.Vhdx.Tests.Fuzz;

/// <summary>
/// The fuzz target, shared by the AFL++ harness (tests/fuzz/Broker.Vhdx.Fuzz links this file) and
/// the replay tests: decodes the input into a VHDX image (<see cref="FuzzInput"/>), opens it read-only and read-write, reads a
/// few ranges, writes one sector and checks it.
/// </summary>
/// <remarks>
/// The only exceptions a malformed input may cause are <see cref="VhdxFormatException"/> and
/// <see cref="VhdxParentException"/>; they are swallowed here, so anything escaping is a finding.
/// </remarks>
internal static class VhdxFuzzTarget
{
    private const string Path = "/fuzz/input.vhdx";
    private const int ReadLength = 64 * 1024;

    /// <summary>Runs one input; returns true when it opened as a VHDX file (whatever later steps found).</summary>
    public static async Task<bool> RunAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        var storage = new CrashingStorage();
        await FuzzInput.DecodeAsync(input, storage, Path, cancellationToken);
        var opened = false;
        try
        {
            await using (var file = await VhdxFile.OpenAsync(storage, Path, null, cancellationToken))
            {
                opened = true;
                await ReadSomeAsync(file.VirtualSize, file.BlockSize, file.ReadAsync, cancellationToken);
                _ = await file.GetAllocationAsync(cancellationToken);
            }

            _ = await VhdxFile.CheckAsync(storage, Path, cancellationToken);
            await using (var disk = await VhdxDisk.OpenAsync(storage, Path, new VhdxOpenOptions { ReadOnly = false }, cancellationToken))
            {
                var sector = new byte[disk.LogicalSectorSize];
                sector.AsSpan().Fill(0x5A);
                await disk.WriteAsync(disk.VirtualSize / 2 / sector.Length * sector.Length, sector, cancellationToken);
                await disk.FlushAsync(cancellationToken);
                await ReadSomeAsync(disk.VirtualSize, disk.Top.BlockSize, disk.ReadAsync, cancellationToken);
            }

            _ = await VhdxFile.CheckAsync(storage, Path, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is VhdxFormatException or VhdxParentException)
        {
            return opened;
        }
    }

    private static async Task ReadSomeAsync(long virtualSize, int blockSize, Func<long, Memory<byte>, CancellationToken, ValueTask> read, CancellationToken cancellationToken)
    {
        var buffer = new byte[ReadLength];
        var length = (int)Math.Min(ReadLength, virtualSize);
        long[] offsets = [0, blockSize - (length / 2) - 1, virtualSize / 2, virtualSize - length];
        foreach (var offset in offsets)
        {
            await read(Math.Clamp(offset, 0, virtualSize - length), buffer.AsMemory(0, length), cancellationToken);
        }
    }
}
