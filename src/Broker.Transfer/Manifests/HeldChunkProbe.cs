using System.Buffers;
using Broker.Disks.Transfer;
using Broker.Vhdx;

namespace Broker.Transfer.Manifests;

/// <summary>
/// Tells whether a file already holds a chunk of its manifest whole: the chunk lies inside one of
/// the file's present extents and its bytes hash to the manifest's hash. What a killed process
/// wrote but did not record (the page cache survives the process) and what a local copy of the
/// same layer holds is claimed this way instead of being moved again. Not thread-safe.
/// </summary>
internal sealed class HeldChunkProbe(VhdxFile file, LayerManifest manifest) : IDisposable
{
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkLayout.MaxChunkLength);
    private readonly Dictionary<int, byte[]> _zeroHashes = [];
    private IReadOnlyList<VhdxExtent>? _held;

    /// <summary>The bytes of the chunk <see cref="HoldsAsync"/> last found held; valid until its next call.</summary>
    public ReadOnlyMemory<byte> Held { get; private set; }

    /// <summary>True when the file holds chunk <paramref name="index"/> with the manifest's hash.</summary>
    public async Task<bool> HoldsAsync(int index, CancellationToken cancellationToken)
    {
        _held ??= await file.GetAllocationAsync(cancellationToken).ConfigureAwait(false);
        var span = manifest.Chunks[index].Span;
        var extent = FindExtent(_held, span.Offset);
        if (extent is null || extent.End < span.End)
        {
            return false;
        }

        var data = _buffer.AsMemory(0, span.Length);
        await file.ReadAsync(span.Offset, data, cancellationToken).ConfigureAwait(false);
        var expected = manifest.Chunks[index].Hash.Span;
        var held = data.Span.ContainsAnyExcept((byte)0)
            ? ChunkHasher.Matches(manifest.Algorithm, data.Span, expected)
            : ZeroHash(span.Length).SequenceEqual(expected);
        Held = held ? data : ReadOnlyMemory<byte>.Empty;
        return held;
    }

    /// <summary>How many chunks from <paramref name="first"/> on the file holds, in order, up to the first it lacks.</summary>
    public async Task<int> CountHeldFromAsync(int first, CancellationToken cancellationToken)
    {
        var next = first;
        while (next < manifest.Chunks.Count && await HoldsAsync(next, cancellationToken).ConfigureAwait(false))
        {
            next++;
        }

        return next;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    /// <summary>
    /// The hash of <paramref name="length"/> zero bytes, made once: a resumed base's staging file is
    /// mostly reserved blocks never written, and comparing their zeros against it costs a scan
    /// instead of a hash.
    /// </summary>
    private byte[] ZeroHash(int length)
    {
        if (!_zeroHashes.TryGetValue(length, out var hash))
        {
            hash = new byte[ChunkHasher.HashLength];
            ChunkHasher.Hash(manifest.Algorithm, new byte[length], hash);
            _zeroHashes.Add(length, hash);
        }

        return hash;
    }

    /// <summary>The extent holding <paramref name="offset"/>, by binary search over the sorted allocation.</summary>
    private static VhdxExtent? FindExtent(IReadOnlyList<VhdxExtent> extents, long offset)
    {
        int low = 0, high = extents.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var extent = extents[middle];
            if (offset < extent.Offset)
            {
                high = middle - 1;
            }
            else if (offset >= extent.End)
            {
                low = middle + 1;
            }
            else
            {
                return extent;
            }
        }

        return null;
    }
}
