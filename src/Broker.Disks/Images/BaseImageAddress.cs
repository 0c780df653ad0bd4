using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Broker.Disks.Transfer;

namespace Broker.Disks.Images;

/// <summary>
/// Computes a base image's content address (ADR 0008) chunk by chunk, in order: lowercase hex
/// SHA-256 over the ASCII tag <c>broker.base-image.v2</c> and a zero byte, the virtual size (8 bytes,
/// big-endian), the logical sector size (4 bytes, big-endian) and then, for every 1 MiB chunk of
/// the virtual disk (the last one may be shorter), the 32-byte BLAKE3 hash of its bytes. A chunk of
/// zeros has the BLAKE3 hash of that many zeros, so the address depends on the content alone,
/// however the image is stored or listed. Chunk hashes known already (a pulled base's verified
/// chunks) give the address without reading the image again.
/// </summary>
public sealed class BaseImageAddress : IDisposable
{
    /// <summary>The chunk grid: every chunk starts at a multiple of this and is this long but the last.</summary>
    public const int ChunkLength = ChunkLayout.MaxChunkLength;

    private static readonly byte[] Tag = Encoding.ASCII.GetBytes("broker.base-image.v2\0");
    private static readonly byte[] FullZeroChunkHash = HashOf(new byte[ChunkLength]);

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _virtualSize;

    /// <summary>Starts the address of an image with this geometry.</summary>
    public BaseImageAddress(long virtualSize, int logicalSectorSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(virtualSize);
        _virtualSize = virtualSize;
        Span<byte> geometry = stackalloc byte[12];
        BinaryPrimitives.WriteInt64BigEndian(geometry, virtualSize);
        BinaryPrimitives.WriteInt32BigEndian(geometry[8..], logicalSectorSize);
        _hash.AppendData(Tag);
        _hash.AppendData(geometry);
    }

    /// <summary>Where the next chunk starts.</summary>
    public long Position { get; private set; }

    /// <summary>Length of the chunk at <see cref="Position"/>.</summary>
    public int NextChunkLength => (int)Math.Min(ChunkLength, _virtualSize - Position);

    /// <summary>Appends the next chunk's bytes (<see cref="NextChunkLength"/> of them).</summary>
    public void AppendChunk(ReadOnlySpan<byte> chunk)
    {
        CheckNext(chunk.Length);
        if (chunk.Length == ChunkLength && !chunk.ContainsAnyExcept((byte)0))
        {
            AppendHash(FullZeroChunkHash);
            return;
        }

        Span<byte> hash = stackalloc byte[ChunkHasher.HashLength];
        ChunkHasher.Hash(ChunkHashAlgorithm.Blake3, chunk, hash);
        AppendHash(hash);
    }

    /// <summary>Appends the next chunk by its BLAKE3 hash, known to be that of its bytes.</summary>
    public void AppendChunkHash(ReadOnlySpan<byte> blake3)
    {
        CheckNext(NextChunkLength);
        if (blake3.Length != ChunkHasher.HashLength)
        {
            throw new ArgumentException($"A BLAKE3 chunk hash is {ChunkHasher.HashLength} bytes.", nameof(blake3));
        }

        AppendHash(blake3);
    }

    /// <summary>Appends zero chunks up to <paramref name="offset"/> (a chunk boundary, or the virtual size).</summary>
    public void AppendZerosTo(long offset)
    {
        if (offset > _virtualSize || (offset % ChunkLength != 0 && offset != _virtualSize) || offset < Position)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Not a chunk boundary from {Position} to {_virtualSize}.");
        }

        while (Position < offset)
        {
            if (NextChunkLength == ChunkLength)
            {
                AppendHash(FullZeroChunkHash);
            }
            else
            {
                AppendHash(HashOf(new byte[NextChunkLength]));
            }
        }
    }

    /// <summary>The address; every chunk must have been appended.</summary>
    public string Finish()
    {
        if (Position != _virtualSize)
        {
            throw new InvalidOperationException($"Chunks up to {Position} of {_virtualSize} bytes were appended.");
        }

        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    /// <summary>
    /// The address of an image whose non-zero chunks (on the grid, in order) have the given BLAKE3
    /// hashes and whose other chunks are zero; null when a chunk is off the grid or out of order.
    /// </summary>
    public static string? FromChunkHashes(long virtualSize, int logicalSectorSize, IEnumerable<(ChunkSpan Span, ReadOnlyMemory<byte> Blake3)> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        using var address = new BaseImageAddress(virtualSize, logicalSectorSize);
        foreach (var (span, hash) in chunks)
        {
            if (span.Offset % ChunkLength != 0 || span.Offset < address.Position || span.End > virtualSize || span.Length != Math.Min(ChunkLength, virtualSize - span.Offset))
            {
                return null;
            }

            address.AppendZerosTo(span.Offset);
            address.AppendChunkHash(hash.Span);
        }

        address.AppendZerosTo(virtualSize);
        return address.Finish();
    }

    /// <inheritdoc />
    public void Dispose() => _hash.Dispose();

    private static byte[] HashOf(ReadOnlySpan<byte> data)
    {
        var hash = new byte[ChunkHasher.HashLength];
        ChunkHasher.Hash(ChunkHashAlgorithm.Blake3, data, hash);
        return hash;
    }

    private void CheckNext(int length)
    {
        if (Position >= _virtualSize || length != NextChunkLength)
        {
            throw new ArgumentException($"The chunk at {Position} of {_virtualSize} bytes is {NextChunkLength} bytes, not {length}.");
        }
    }

    private void AppendHash(ReadOnlySpan<byte> hash)
    {
        _hash.AppendData(hash);
        Position += NextChunkLength;
    }
}
