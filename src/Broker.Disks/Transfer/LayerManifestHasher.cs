using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Disks.Transfer;

/// <summary>
/// Hash of a layer manifest: the layer's chunks in offset order. The hashed bytes are, all integers
/// big-endian: the ASCII tag <c>broker.layer-manifest.v1</c> and a zero byte, the algorithm (1 byte)
/// and hash length (1 byte); per chunk its offset (8), length (4) and hash (32); last the chunk count
/// (8). Fixed widths and the tag make the encoding unambiguous. Chunks are checked as they come
/// (ascending, not overlapping, 1 byte to 1 MiB, 32-byte hash), so a hostile manifest from the wire
/// fails with <see cref="ChunkManifestException"/>. Not thread-safe; one instance per manifest.
/// </summary>
public sealed class LayerManifestHasher : IDisposable
{
    private const int OffsetField = 0;
    private const int LengthField = OffsetField + sizeof(ulong);
    private const int HashField = LengthField + sizeof(uint);
    private const int EntrySize = HashField + ChunkHasher.HashLength;

    private static readonly byte[] Tag = Encoding.ASCII.GetBytes("broker.layer-manifest.v1\0");

    private readonly IncrementalHash? _sha256;
    private readonly global::Blake3.Hasher? _blake3;
    private long _count;
    private long _previousEnd;
    private bool _finished;

    public LayerManifestHasher(ChunkHashAlgorithm algorithm)
    {
        Algorithm = algorithm;
        switch (algorithm)
        {
            case ChunkHashAlgorithm.Sha256:
                _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                break;
            case ChunkHashAlgorithm.Blake3:
                _blake3 = global::Blake3.Hasher.New();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown chunk hash algorithm.");
        }

        Update(Tag);
        Update([(byte)algorithm, ChunkHasher.HashLength]);
    }

    public ChunkHashAlgorithm Algorithm { get; }

    /// <summary>Chunks appended so far.</summary>
    public long ChunkCount => _count;

    /// <summary>Appends the next chunk; throws <see cref="ChunkManifestException"/> when it does not follow the previous one.</summary>
    public void Append(ChunkSpan chunk, ReadOnlySpan<byte> chunkHash)
    {
        ThrowIfFinished();
        if (chunk.Length <= 0 || chunk.Length > ChunkLayout.MaxChunkLength)
        {
            throw new ChunkManifestException(_count, chunk.Offset, $"length {chunk.Length} is not within 1 to {ChunkLayout.MaxChunkLength} bytes");
        }

        if (chunk.Offset < _previousEnd || chunk.Offset > long.MaxValue - chunk.Length)
        {
            throw new ChunkManifestException(_count, chunk.Offset, $"starts before the previous chunk ends ({_previousEnd}) or overflows");
        }

        if (chunkHash.Length != ChunkHasher.HashLength)
        {
            throw new ChunkManifestException(_count, chunk.Offset, $"hash is {chunkHash.Length} bytes, not {ChunkHasher.HashLength}");
        }

        Span<byte> entry = stackalloc byte[EntrySize];
        BinaryPrimitives.WriteUInt64BigEndian(entry[OffsetField..], (ulong)chunk.Offset);
        BinaryPrimitives.WriteUInt32BigEndian(entry[LengthField..], (uint)chunk.Length);
        chunkHash.CopyTo(entry[HashField..]);
        Update(entry);
        _previousEnd = chunk.End;
        _count++;
    }

    /// <summary>Writes the manifest hash (<see cref="ChunkHasher.HashLength"/> bytes); the hasher cannot be used afterwards.</summary>
    public void Finish(Span<byte> destination)
    {
        ThrowIfFinished();
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, ChunkHasher.HashLength, nameof(destination));
        Span<byte> count = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(count, (ulong)_count);
        Update(count);
        _finished = true;
        if (_sha256 is not null)
        {
            _sha256.GetHashAndReset(destination);
        }
        else
        {
            _blake3!.Finalize(destination[..ChunkHasher.HashLength]);
        }
    }

    /// <summary>Finishes and returns the manifest hash.</summary>
    public byte[] Finish()
    {
        var hash = new byte[ChunkHasher.HashLength];
        Finish(hash);
        return hash;
    }

    public void Dispose()
    {
        _finished = true;
        _sha256?.Dispose();
        _blake3?.Dispose();
    }

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The manifest hash is finished or the hasher disposed.");
        }
    }

    private void Update(ReadOnlySpan<byte> bytes)
    {
        if (_sha256 is not null)
        {
            _sha256.AppendData(bytes);
        }
        else
        {
            _blake3!.Update(bytes);
        }
    }
}
