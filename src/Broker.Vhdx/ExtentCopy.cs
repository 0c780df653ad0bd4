using System.Buffers;

namespace Broker.Vhdx;

/// <summary>
/// The copy loop of merge and convert: reads the data extents of a source chunk by chunk and
/// hands runs of non-zero granules to one writer and runs of zeros (and declared-zero extents) to
/// another, so zeros need not be written where the destination already reads zero.
/// </summary>
internal static class ExtentCopy
{
    /// <summary>Bytes read from the source at a time.</summary>
    public const int ChunkSize = 4 * 1024 * 1024;

    /// <summary>Zero detection granule: a multiple of both sector sizes, small enough to keep raw output sparse.</summary>
    public const int Granule = 64 * 1024;

    /// <summary>Copies <paramref name="extents"/> (sector aligned, sorted); returns the bytes handled.</summary>
    /// <param name="extents">What to copy.</param>
    /// <param name="read">Reads the source.</param>
    /// <param name="writeData">Receives every run that is not all zeros.</param>
    /// <param name="writeZeros">Receives every run of zeros; null to skip them.</param>
    /// <param name="progress">Told after each chunk.</param>
    /// <param name="cancellationToken">Cancels between chunks.</param>
    public static async Task<long> CopyAsync(
        IReadOnlyList<VhdxExtent> extents,
        Func<long, Memory<byte>, CancellationToken, ValueTask> read,
        Func<long, ReadOnlyMemory<byte>, CancellationToken, ValueTask> writeData,
        Func<long, ReadOnlyMemory<byte>, CancellationToken, ValueTask>? writeZeros,
        IProgress<VhdxProgress>? progress,
        CancellationToken cancellationToken)
    {
        var total = extents.Sum(extent => extent.Length);
        long completed = 0;
        progress?.Report(new VhdxProgress(0, total));
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            foreach (var extent in extents)
            {
                for (var offset = extent.Offset; offset < extent.End; offset += ChunkSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var length = (int)Math.Min(ChunkSize, extent.End - offset);
                    var chunk = buffer.AsMemory(0, length);
                    if (extent.Kind == VhdxExtentKind.Zero)
                    {
                        if (writeZeros is not null)
                        {
                            chunk.Span.Clear();
                            await writeZeros(offset, chunk, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    else
                    {
                        await read(offset, chunk, cancellationToken).ConfigureAwait(false);
                        await WriteRunsAsync(offset, chunk, writeData, writeZeros, cancellationToken).ConfigureAwait(false);
                    }

                    completed += length;
                    progress?.Report(new VhdxProgress(completed, total));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return completed;
    }

    private static async ValueTask WriteRunsAsync(
        long offset,
        ReadOnlyMemory<byte> chunk,
        Func<long, ReadOnlyMemory<byte>, CancellationToken, ValueTask> writeData,
        Func<long, ReadOnlyMemory<byte>, CancellationToken, ValueTask>? writeZeros,
        CancellationToken cancellationToken)
    {
        var position = 0;
        while (position < chunk.Length)
        {
            var zero = IsZero(chunk.Span, position);
            var end = Math.Min(chunk.Length, position + Granule);
            while (end < chunk.Length && IsZero(chunk.Span, end) == zero)
            {
                end = Math.Min(chunk.Length, end + Granule);
            }

            var run = chunk[position..end];
            if (!zero)
            {
                await writeData(offset + position, run, cancellationToken).ConfigureAwait(false);
            }
            else if (writeZeros is not null)
            {
                await writeZeros(offset + position, run, cancellationToken).ConfigureAwait(false);
            }

            position = end;
        }
    }

    /// <summary>True when the granule starting at <paramref name="start"/> is all zeros.</summary>
    private static bool IsZero(ReadOnlySpan<byte> chunk, int start) =>
        !chunk.Slice(start, Math.Min(Granule, chunk.Length - start)).ContainsAnyExcept((byte)0);
}
