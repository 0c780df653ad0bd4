using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests.Crash;

/// <summary>Arranging and inspecting the disks of crash scenarios.</summary>
internal static class CrashDisks
{
    /// <summary>Creates <paramref name="path"/> (and its directory) and applies <paramref name="writes"/> to the file alone (sector aligned for a differencing file).</summary>
    public static async Task CreateAsync(IStorage storage, string path, VhdxCreateOptions options, IEnumerable<DiskWrite> writes, CancellationToken cancellationToken)
    {
        storage.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        await using var file = await VhdxFile.CreateAsync(storage, path, options, cancellationToken);
        foreach (var write in writes)
        {
            await file.WriteAsync(write.Offset, write.Data, cancellationToken);
        }
    }

    /// <summary>A disk image of <paramref name="virtualSize"/> zeros with <paramref name="writes"/> applied in order.</summary>
    public static byte[] Image(long virtualSize, params IEnumerable<DiskWrite> writes)
    {
        var image = new byte[virtualSize];
        foreach (var write in writes)
        {
            write.Data.CopyTo(image, write.Offset);
        }

        return image;
    }

    /// <summary>Everything the disk at <paramref name="path"/> reads through its chain, opened read-only.</summary>
    public static async Task<byte[]> ReadAllAsync(IStorage storage, string path, CancellationToken cancellationToken)
    {
        await using var disk = await VhdxDisk.OpenAsync(storage, path, null, cancellationToken);
        var content = new byte[disk.VirtualSize];
        await disk.ReadAsync(0, content, cancellationToken);
        return content;
    }

    /// <summary>Fails unless <see cref="VhdxFile.CheckAsync"/> finds no problem in <paramref name="path"/>.</summary>
    public static async Task ShouldCheckCleanAsync(IStorage storage, string path, CancellationToken cancellationToken)
    {
        var check = await VhdxFile.CheckAsync(storage, path, cancellationToken);
        check.Problems.ShouldBeEmpty($"{path}: {string.Join("; ", check.Problems)}");
    }
}
