using System.Buffers;
using Broker.Contracts.V1;

namespace Broker.Transfer.Client;

/// <summary>
/// A received <see cref="ChunkData"/> whose payload lies in an <see cref="ArrayPool{T}"/> array
/// instead of a new <c>ByteString</c> (a large-object allocation a chunk, which made a pull run
/// a gen2 collection every ~10 MB). Dispose returns the array; nothing may use
/// <see cref="Data"/> after that.
/// </summary>
internal sealed class PooledChunkData : IDisposable
{
    private byte[]? _rented;

    /// <summary>The chunk's offset in the disk.</summary>
    public ulong Offset { get; set; }

    /// <summary>The chunk's uncompressed length.</summary>
    public uint Length { get; set; }

    /// <summary>How <see cref="Data"/> is compressed.</summary>
    public Compression Compression { get; set; }

    /// <summary>The payload as sent (compressed or not), in the pooled array.</summary>
    public ReadOnlyMemory<byte> Data { get; private set; }

    /// <summary>
    /// Copies <paramref name="payload"/> into a pooled array of the data (returning one a repeated
    /// field took before: protobuf keeps the last).
    /// </summary>
    public void SetData(ReadOnlySequence<byte> payload)
    {
        Release();
        var length = checked((int)payload.Length);
        _rented = ArrayPool<byte>.Shared.Rent(length);
        payload.CopyTo(_rented);
        Data = _rented.AsMemory(0, length);
    }

    public void Dispose() => Release();

    private void Release()
    {
        Data = ReadOnlyMemory<byte>.Empty;
        if (_rented is { } rented)
        {
            _rented = null;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
