using Broker.Vhdx.Format;

namespace Broker.Vhdx;

public sealed partial class VhdxFile
{
    /// <summary>
    /// The ranges this file holds itself, sorted and merged: what a transfer of this file must
    /// send. In a differencing file presence comes from the sector bitmap, so a present sector of
    /// zeros is listed and an absent one is not. Ranges the file declares zero are listed as
    /// <see cref="VhdxExtentKind.Zero"/>. Includes changes not yet flushed.
    /// </summary>
    public async Task<IReadOnlyList<VhdxExtent>> GetAllocationAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var extents = new List<VhdxExtent>();
        var differencing = DiskType == VhdxDiskType.Differencing;
        var blockSize = _geometry.BlockSize;
        var sectorSize = _geometry.LogicalSectorSize;
        for (long block = 0; block < _geometry.DataBlockCount; block++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = block * blockSize;
            var length = _geometry.VirtualLength(block);
            var entry = _bat[_geometry.PayloadIndex(block)];
            switch (BatEntry.State(entry))
            {
                case BatEntry.FullyPresent:
                case BatEntry.PartiallyPresent when !differencing:
                    Add(extents, start, length, VhdxExtentKind.Data);
                    break;
                case BatEntry.PartiallyPresent:
                    var sectors = (int)(length / sectorSize);
                    for (var sector = 0; sector < sectors;)
                    {
                        var (present, run) = await GetBitmapRunAsync(block, sector, sectors - sector, cancellationToken).ConfigureAwait(false);
                        if (present)
                        {
                            Add(extents, start + ((long)sector * sectorSize), (long)run * sectorSize, VhdxExtentKind.Data);
                        }

                        sector += run;
                    }

                    break;
                case BatEntry.NotPresent:
                    break;
                default:
                    Add(extents, start, length, VhdxExtentKind.Zero);
                    break;
            }
        }

        return extents;
    }

    private static void Add(List<VhdxExtent> extents, long offset, long length, VhdxExtentKind kind)
    {
        if (extents.Count > 0 && extents[^1].End == offset && extents[^1].Kind == kind)
        {
            extents[^1] = extents[^1] with { Length = extents[^1].Length + length };
            return;
        }

        extents.Add(new VhdxExtent(offset, length, kind));
    }
}
