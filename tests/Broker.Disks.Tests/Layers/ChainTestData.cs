using Broker.Disks.Chains;
using Broker.Disks.Layers;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Layers;

/// <summary>A small base image, patterned writes and a byte-array model of the virtual disk.</summary>
internal static class ChainTestData
{
    public const long VirtualSize = 8L * 1024 * 1024;
    public const string BaseAddress = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Creates a dynamic base (1 MiB blocks) whose first 3 MiB hold a pattern, and returns its model.</summary>
    public static Task<byte[]> CreateBaseAsync(IStorage storage, string path, CancellationToken cancellationToken) =>
        CreateBaseAsync(storage, path, VirtualSize, 3 * 1024 * 1024, cancellationToken);

    /// <summary>Creates a dynamic base (1 MiB blocks) whose first <paramref name="patterned"/> bytes hold a pattern, and returns its model.</summary>
    public static async Task<byte[]> CreateBaseAsync(IStorage storage, string path, long virtualSize, int patterned, CancellationToken cancellationToken)
    {
        storage.CreateDirectory(Path.GetDirectoryName(path)!);
        var model = new byte[virtualSize];
        for (var i = 0; i < patterned; i++)
        {
            model[i] = (byte)((i / 512) * 7);
        }

        await using var file = await VhdxFile.CreateAsync(storage, path, VhdxCreateOptions.Dynamic(virtualSize, blockSize: 1024 * 1024), cancellationToken);
        await file.WriteAsync(0, model.AsMemory(0, patterned), cancellationToken);
        await file.FlushAsync(cancellationToken);
        return model;
    }

    /// <summary>Writes <paramref name="length"/> bytes of <paramref name="pattern"/> at <paramref name="offset"/> to the device and the model.</summary>
    public static async Task WriteAsync(ChainBlockDevice device, byte[] model, long offset, int length, byte pattern, CancellationToken cancellationToken)
    {
        var data = new byte[length];
        Array.Fill(data, pattern);
        data[0] = (byte)(pattern ^ 0x5A);
        await device.WriteAsync(offset, data, forceUnitAccess: false, cancellationToken);
        data.CopyTo(model, offset);
    }

    public static async Task<byte[]> ReadAllAsync(ChainBlockDevice device, CancellationToken cancellationToken)
    {
        var content = new byte[device.Size];
        await device.ReadAsync(0, content, cancellationToken);
        return content;
    }

    /// <summary>Reads the chain under <paramref name="topPath"/> read-only.</summary>
    public static async Task<byte[]> ReadChainAsync(IStorage storage, string topPath, CancellationToken cancellationToken)
    {
        await using var device = await ChainBlockDevice.OpenAsync(storage, topPath, readOnly: true, cancellationToken);
        return await ReadAllAsync(device, cancellationToken);
    }

    public static async Task<byte[]> ReadSnapshotAsync(LayerStore store, long layerId, CancellationToken cancellationToken)
    {
        await using var device = await store.BootSnapshotAsync(layerId, cancellationToken);
        return await ReadAllAsync(device, cancellationToken);
    }

    /// <summary>Every file of the chain directory other than the manifest copies.</summary>
    public static IReadOnlyList<string> LayerFiles(IStorage storage, string directory) =>
        [.. storage.ListFiles(directory).Select(Path.GetFileName).Where(name => !name!.StartsWith("chain.", StringComparison.Ordinal)).Order(StringComparer.Ordinal)!];

    /// <summary>
    /// Closes <paramref name="store"/>, then asserts every file the manifest names exists, no other
    /// file does, and each passes check without corruption.
    /// </summary>
    public static async Task ShouldBeTidyAsync(IStorage storage, LayerStore store, CancellationToken cancellationToken)
    {
        await store.DisposeAsync();
        var manifest = store.Manifest;
        var named = manifest.Layers.Select(layer => layer.File).Append(manifest.Top.File).Order(StringComparer.Ordinal).ToList();
        LayerFiles(storage, store.Directory).ShouldBe(named);
        foreach (var name in named)
        {
            var result = await VhdxFile.CheckAsync(storage, Path.Combine(store.Directory, name), cancellationToken);
            result.HasCorruptions.ShouldBeFalse($"{name}: {string.Join("; ", result.Problems.Select(problem => problem.ToString()))}");
        }
    }
}
