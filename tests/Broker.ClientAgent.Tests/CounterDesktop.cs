using Broker.ClientAgent.Desktops;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Testing;
using Broker.Testing.Qemu;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.Tests;

/// <summary>The server copy a stand-in host serves: the counter guest on a base, in a layer store.</summary>
internal static class CounterDesktop
{
    private const long DiskBytes = 1024 * 1024;

    /// <summary>A host chain over a base holding the counter guest, as the host's prepare step would leave it.</summary>
    public static Task<LayerStore> CreateAsync(TempDirectory directory, DesktopPaths paths, CancellationToken cancellationToken) =>
        CreateAsync(directory, paths, TestGuests.Counter, cancellationToken);

    /// <summary>As above with another test guest (<see cref="TestGuests"/>).</summary>
    public static async Task<LayerStore> CreateAsync(TempDirectory directory, DesktopPaths paths, string guest, CancellationToken cancellationToken)
    {
        var basePath = directory.File("gold.vhdx");
        await using (var gold = await VhdxFile.CreateAsync(FileStorage.Instance, basePath, VhdxCreateOptions.Dynamic(DiskBytes, blockSize: 1024 * 1024), cancellationToken))
        {
            await gold.WriteAsync(0, await File.ReadAllBytesAsync(TestGuests.ImagePath(guest), cancellationToken), cancellationToken);
            await gold.FlushAsync(cancellationToken);
        }

        await using var bases = await BaseImageStore.OpenAsync(FileStorage.Instance, directory.File("host/bases"), null, cancellationToken);
        var image = await bases.ImportVhdxAsync(basePath, cancellationToken);
        return await LayerStore.CreateAsync(FileStorage.Instance, paths.Chain, image.Path, image.Address, null, cancellationToken);
    }
}
