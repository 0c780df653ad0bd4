using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Layers;

/// <summary>Checks a layer file that arrived from elsewhere before a store takes it in.</summary>
internal static class StagedLayer
{
    /// <summary>
    /// Checks <paramref name="stagedPath"/> is a differencing child of <paramref name="parentPath"/>
    /// with the chain's geometry; returns its content hash (<see cref="LayerContent"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The file does not fit the chain (type, geometry or parent).</exception>
    public static async Task<string> CheckAsync(IStorage storage, string stagedPath, string parentPath, ChainManifest chain, CancellationToken cancellationToken)
    {
        var disk = await VhdxDisk.OpenAsync(storage, stagedPath, VhdxOpenOptions.ReadOnlyDefault, cancellationToken).ConfigureAwait(false);
        await using (disk.ConfigureAwait(false))
        {
            var staged = disk.Top;
            if (staged.DiskType != VhdxDiskType.Differencing || disk.Files.Count < 2
                || !string.Equals(Path.GetFullPath(disk.Files[1].Path), parentPath, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"'{stagedPath}' is not a differencing child of '{parentPath}'.");
            }

            if (staged.VirtualSize != chain.VirtualSize || staged.LogicalSectorSize != chain.LogicalSectorSize)
            {
                throw new InvalidOperationException($"'{stagedPath}' has another geometry than the chain.");
            }

            return await LayerContent.HashAsync(staged, cancellationToken).ConfigureAwait(false);
        }
    }
}
