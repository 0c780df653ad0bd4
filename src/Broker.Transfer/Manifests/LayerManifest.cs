using System.Buffers;
using Broker.Contracts.V1;
using Broker.Disks.Transfer;
using Broker.Vhdx;
using Google.Protobuf;

namespace Broker.Transfer.Manifests;

/// <summary>
/// The chunks of one layer file (or base image): its present extents cut by
/// <see cref="ChunkLayout"/>, each with its hash, and the manifest hash of
/// <see cref="LayerManifestHasher"/>. In a layer, extents the file declares zero travel as chunks of
/// zeros (they must keep hiding the parent), so the receiver stores them as data. A base image has
/// no parent, so absent reads as zero there: its manifest leaves all-zero chunks out
/// (<see cref="BuildBaseAsync"/>) and the receiver neither fetches nor writes them.
/// </summary>
public sealed record LayerManifest(ChunkHashAlgorithm Algorithm, IReadOnlyList<ManifestChunk> Chunks, ReadOnlyMemory<byte> Hash)
{
    /// <summary>Bytes of present data: the sum of the chunk lengths.</summary>
    public long PresentBytes { get; } = Chunks.Sum(chunk => (long)chunk.Span.Length);

    /// <summary>Builds the manifest of what <paramref name="file"/> holds itself, reading and hashing every present byte.</summary>
    public static Task<LayerManifest> BuildAsync(VhdxFile file, ChunkHashAlgorithm algorithm, CancellationToken cancellationToken) =>
        BuildAsync(file, algorithm, keepZeroChunks: true, cancellationToken);

    /// <summary>
    /// Builds the manifest of a base image (a file without a parent): as <see cref="BuildAsync(VhdxFile, ChunkHashAlgorithm, CancellationToken)"/>
    /// but without the chunks that are all zero, which read as zero when absent.
    /// </summary>
    public static Task<LayerManifest> BuildBaseAsync(VhdxFile file, ChunkHashAlgorithm algorithm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.ParentLocator is null
            ? BuildAsync(file, algorithm, keepZeroChunks: false, cancellationToken)
            : throw new ArgumentException("A base image has no parent.", nameof(file));
    }

    private static async Task<LayerManifest> BuildAsync(VhdxFile file, ChunkHashAlgorithm algorithm, bool keepZeroChunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var extents = await file.GetAllocationAsync(cancellationToken).ConfigureAwait(false);
        var spans = ChunkLayout.Cut(extents.Select(extent => new PresentExtent(extent.Offset, extent.Length)), file.LogicalSectorSize);
        var chunks = new List<ManifestChunk>();
        using var hasher = new LayerManifestHasher(algorithm);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkLayout.MaxChunkLength);
        try
        {
            foreach (var span in spans)
            {
                var data = buffer.AsMemory(0, span.Length);
                await file.ReadAsync(span.Offset, data, cancellationToken).ConfigureAwait(false);
                if (!keepZeroChunks && !data.Span.ContainsAnyExcept((byte)0))
                {
                    continue;
                }

                var hash = new byte[ChunkHasher.HashLength];
                ChunkHasher.Hash(algorithm, data.Span, hash);
                hasher.Append(span, hash);
                chunks.Add(new ManifestChunk(span, hash));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new LayerManifest(algorithm, chunks, hasher.Finish());
    }

    /// <summary>
    /// Checks a manifest from the wire: algorithm known, chunks in order, each sector-aligned inside
    /// the virtual disk, and hashing to <paramref name="expectedHash"/>. Throws
    /// <see cref="ChunkManifestException"/> otherwise.
    /// </summary>
    public static LayerManifest FromWire(HashAlgorithm algorithm, IEnumerable<ChunkInfo> chunks, ByteString expectedHash, long virtualSize, int sectorSize)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentNullException.ThrowIfNull(expectedHash);
        var chunkAlgorithm = (ChunkHashAlgorithm)algorithm;
        if (!Enum.IsDefined(chunkAlgorithm))
        {
            throw new ChunkManifestException($"Layer manifest: unknown hash algorithm {algorithm}.");
        }

        using var hasher = new LayerManifestHasher(chunkAlgorithm);
        var list = new List<ManifestChunk>();
        foreach (var info in chunks)
        {
            var span = new ChunkSpan((long)Math.Min(info.Offset, long.MaxValue), (int)Math.Min(info.Length, int.MaxValue));
            hasher.Append(span, info.Hash.Span);
            if (span.Offset % sectorSize != 0 || span.Length % sectorSize != 0 || span.End > virtualSize)
            {
                throw new ChunkManifestException(list.Count, span.Offset, $"length {span.Length} is not sector-aligned or ends beyond the virtual size {virtualSize}");
            }

            list.Add(new ManifestChunk(span, info.Hash.ToByteArray()));
        }

        var hash = hasher.Finish();
        if (!expectedHash.Span.SequenceEqual(hash))
        {
            throw new ChunkManifestException($"Layer manifest: {list.Count} chunks do not hash to the declared manifest hash.");
        }

        return new LayerManifest(chunkAlgorithm, list, hash);
    }

    /// <summary>The chunks as wire messages.</summary>
    public IEnumerable<ChunkInfo> ToWire() => Chunks.Select(chunk => new ChunkInfo
    {
        Offset = (ulong)chunk.Span.Offset,
        Length = (uint)chunk.Span.Length,
        Hash = ByteString.CopyFrom(chunk.Hash.Span),
    });

    /// <summary>Index of the chunk that is exactly <paramref name="span"/>, or -1.</summary>
    public int IndexOf(ChunkSpan span)
    {
        int low = 0, high = Chunks.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var offset = Chunks[middle].Span.Offset;
            if (offset == span.Offset)
            {
                return Chunks[middle].Span.Length == span.Length ? middle : -1;
            }

            if (offset < span.Offset)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }
}
