using Broker.Vhdx.Format;

namespace Broker.Vhdx;

public sealed partial class VhdxFile
{
    /// <summary>
    /// What BAT entry <paramref name="index"/> places in the file, or null for nothing: the one
    /// rule open, check and repair share. A FULLY or PARTIALLY_PRESENT payload entry reserves a
    /// whole block, also when the virtual disk ends inside it (Hyper-V, qemu and this library
    /// allocate whole blocks), but only the bytes the disk covers must lie inside the file (older
    /// qemu wrote short last blocks; qemu still accepts them). A present sector bitmap entry of a
    /// differencing file reserves its 1 MiB. Payload entries past the last block (padding of a
    /// differencing file's last chunk) and sector bitmap entries of a file without a parent place nothing.
    /// </summary>
    private BatObject? ObjectOf(long index)
    {
        var entry = _bat[index];
        var state = BatEntry.State(entry);
        var start = BatEntry.FileOffset(entry);
        if (_geometry.IsBitmapIndex(index))
        {
            var end = start + VhdxLayout.SectorBitmapBlockSize;
            return state == BatEntry.BitmapPresent && DiskType == VhdxDiskType.Differencing ? new BatObject(start, end, end) : null;
        }

        var block = _geometry.BlockOfIndex(index);
        return state is BatEntry.FullyPresent or BatEntry.PartiallyPresent && block < _geometry.DataBlockCount
            ? new BatObject(start, start + _geometry.BlockSize, start + _geometry.VirtualLength(block))
            : null;
    }

    /// <summary>A block in the file: it reserves [<see cref="Start"/>, <see cref="End"/>); the file must reach <see cref="RequiredEnd"/>.</summary>
    private readonly record struct BatObject(long Start, long End, long RequiredEnd);
}
