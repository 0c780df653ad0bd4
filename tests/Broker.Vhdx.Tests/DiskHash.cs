using System.Buffers;
using System.Security.Cryptography;

namespace Broker.Vhdx.Tests;

/// <summary>SHA-256 of whole virtual disks, read in large chunks.</summary>
internal static class DiskHash
{
    private const int ChunkSize = 8 * 1024 * 1024;

    public static Task<string> OfAsync(VhdxDisk disk, CancellationToken cancellationToken) =>
        OfAsync(disk.VirtualSize, disk.ReadAsync, cancellationToken);

    public static Task<string> OfAsync(VhdxFile file, CancellationToken cancellationToken) =>
        OfAsync(file.VirtualSize, file.ReadAsync, cancellationToken);

    public static async Task<string> OfAsync(long size, Func<long, Memory<byte>, CancellationToken, ValueTask> read, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            for (long offset = 0; offset < size; offset += ChunkSize)
            {
                var length = (int)Math.Min(ChunkSize, size - offset);
                await read(offset, buffer.AsMemory(0, length), cancellationToken);
                hash.AppendData(buffer, 0, length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static string Of(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
