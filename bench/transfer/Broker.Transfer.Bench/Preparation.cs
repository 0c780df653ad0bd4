using System.Diagnostics;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Bench;

/// <summary>
/// Makes the bench's data: the flat image and the host's base image once (kept between runs), then
/// for every run afresh the host's desktop chain (base + empty top, so earlier pushes are gone) and
/// the two copies the rsync sync row starts from.
/// </summary>
internal static class Preparation
{
    public static async Task PrepareAsync(BenchLayout layout)
    {
        var storage = FileStorage.Instance;
        var watch = Stopwatch.StartNew();
        if (!File.Exists(layout.FlatImage))
        {
            _ = Directory.CreateDirectory(layout.FlatDirectory);
            var partial = layout.FlatImage + ".partial";
            await BenchData.WriteFlatImageAsync(partial, CancellationToken.None);
            File.Move(partial, layout.FlatImage);
        }

        await using (var bases = await BaseImageStore.OpenAsync(storage, layout.HostImages, null, CancellationToken.None))
        {
            var image = bases.Images.Count > 0 ? bases.Images[0] : await bases.ImportRawAsync(layout.FlatImage, 512, CancellationToken.None);
            foreach (var desktop in new[] { layout.HostDesktop, layout.HostWarmUpDesktop })
            {
                await CreateChainAsync(desktop, image);
            }
        }

        foreach (var copy in new[] { layout.ClientFlatImage, Path.Combine(layout.RsyncPushDirectory, BenchLayout.ImageName) })
        {
            _ = Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            _ = await ChildProcess.TimeAsync("cp", "--sparse=always", layout.FlatImage, copy);
        }

        Directory.CreateDirectory(layout.PeerPullDirectory);
        _ = await ChildProcess.TimeAsync("sync");
        Console.WriteLine($"prepared {layout.Work} in {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>A fresh chain (base + empty top) in <paramref name="directory"/>, over <paramref name="image"/>.</summary>
    public static async Task CreateChainAsync(string directory, BaseImage image)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        await using var chain = await LayerStore.CreateAsync(FileStorage.Instance, directory, image.Path, image.Address, null, CancellationToken.None);
    }

    /// <summary>Writes change set <paramref name="seed"/> into the client's chain (the VM's writes) and seals it; returns the sealed layer's id.</summary>
    public static async Task<long> ChangeClientChainAsync(ClientLayout client, int seed)
    {
        await using var store = await LayerStore.OpenAsync(FileStorage.Instance, client.Desktop, null, CancellationToken.None);
        var device = await store.OpenLiveDeviceAsync(CancellationToken.None);
        foreach (var (offset, data) in BenchData.Changes(seed))
        {
            await device.WriteAsync(offset, data, forceUnitAccess: false, CancellationToken.None);
        }

        await device.FlushAsync(CancellationToken.None);
        return (await store.SealAsync(CancellationToken.None)).Id;
    }

    /// <summary>Writes the same change set into the client's flattened image, for rsync.</summary>
    public static void ChangeClientFlatImage(BenchLayout layout, int seed)
    {
        using var file = File.OpenHandle(layout.ClientFlatImage, FileMode.Open, FileAccess.ReadWrite);
        foreach (var (offset, data) in BenchData.Changes(seed))
        {
            RandomAccess.Write(file, data, offset);
        }

        RandomAccess.FlushToDisk(file);
    }
}
