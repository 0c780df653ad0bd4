using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Broker.Vhdx;

namespace Broker.Disks.Layers;

/// <summary>
/// What a layer file holds itself: hashing it and copying it into another file.
/// </summary>
/// <remarks>
/// The content hash is SHA-256 over, all integers big-endian: the ASCII tag
/// <c>broker.layer-content.v1</c> and a zero byte, the virtual size (8) and logical sector size (4),
/// then per present extent in offset order its offset (8), length (8), kind (1: 0 data, 1 zero)
/// and, for data, the bytes; last the extent count (8). Fixed widths make the encoding unambiguous.
/// </remarks>
public static class LayerContent
{
    private const int CopyChunk = 1024 * 1024;
    private static readonly byte[] Tag = Encoding.ASCII.GetBytes("broker.layer-content.v1\0");

    /// <summary>Hashes the extents <paramref name="file"/> holds itself (see the remarks); lowercase hex.</summary>
    public static async Task<string> HashAsync(VhdxFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var field = new byte[8 + 8 + 1];
        hash.AppendData(Tag);
        BinaryPrimitives.WriteInt64BigEndian(field, file.VirtualSize);
        BinaryPrimitives.WriteInt32BigEndian(field.AsSpan(8), file.LogicalSectorSize);
        hash.AppendData(field, 0, 12);
        var extents = await file.GetAllocationAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyChunk);
        try
        {
            foreach (var extent in extents)
            {
                BinaryPrimitives.WriteInt64BigEndian(field, extent.Offset);
                BinaryPrimitives.WriteInt64BigEndian(field.AsSpan(8), extent.Length);
                field[16] = extent.Kind == VhdxExtentKind.Data ? (byte)0 : (byte)1;
                hash.AppendData(field);
                if (extent.Kind != VhdxExtentKind.Data)
                {
                    continue;
                }

                for (var position = extent.Offset; position < extent.End; position += CopyChunk)
                {
                    var length = (int)Math.Min(CopyChunk, extent.End - position);
                    await file.ReadAsync(position, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                    hash.AppendData(buffer, 0, length);
                }
            }

            BinaryPrimitives.WriteInt64BigEndian(field, extents.Count);
            hash.AppendData(field, 0, 8);
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Writes into <paramref name="target"/> every range that layers 0 … <paramref name="topLayers"/>-1
    /// of <paramref name="source"/> hold (data as read through the chain, declared-zero ranges as
    /// zeros, so they keep hiding what lies below), then flushes <paramref name="target"/>.
    /// </summary>
    internal static async Task CopyLayersAsync(VhdxDisk source, int topLayers, VhdxFile target, CancellationToken cancellationToken)
    {
        var extents = await source.GetAllocationAsync(cancellationToken).ConfigureAwait(false);
        var held = extents.Where(extent => extent.Layer < topLayers).Select(extent => new VhdxExtent(extent.Offset, extent.Length, extent.Kind));
        await CopyExtentsAsync(source.ReadAsync, held, target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes into <paramref name="target"/> each of <paramref name="extents"/> (sector-aligned):
    /// data as <paramref name="read"/> returns it, declared-zero extents as zeros; then flushes
    /// <paramref name="target"/>.
    /// </summary>
    internal static async Task CopyExtentsAsync(
        Func<long, Memory<byte>, CancellationToken, ValueTask> read,
        IEnumerable<VhdxExtent> extents,
        VhdxFile target,
        CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyChunk);
        try
        {
            foreach (var extent in extents)
            {
                for (var position = extent.Offset; position < extent.End; position += CopyChunk)
                {
                    var length = (int)Math.Min(CopyChunk, extent.End - position);
                    var chunk = buffer.AsMemory(0, length);
                    if (extent.Kind == VhdxExtentKind.Data)
                    {
                        await read(position, chunk, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        chunk.Span.Clear();
                    }

                    await target.WriteAsync(position, chunk, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await target.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
