using ZstdNet;

namespace Broker.Disks.Transfer;

/// <summary>
/// Sender side: zstd-compresses a chunk when that saves space (the wire carries a per-chunk flag).
/// Native libzstd through ZstdNet, level 1 by default (ADR 0004). Holds one compression context:
/// not thread-safe, one instance per stream; no allocation per chunk.
/// </summary>
public sealed class ChunkCompressor : IDisposable
{
    /// <summary>zstd level used unless told otherwise: level 3 compresses disk data no better and is slower.</summary>
    public const int DefaultLevel = 1;

    private readonly CompressionOptions _options;
    private readonly Compressor _compressor;

    public ChunkCompressor(int level = DefaultLevel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, CompressionOptions.MinCompressionLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, CompressionOptions.MaxCompressionLevel);
        _options = new CompressionOptions(level);
        _compressor = new Compressor(_options);
    }

    /// <summary>Destination size <see cref="TryCompress"/> needs for a chunk of <paramref name="length"/> bytes.</summary>
    public static int GetDestinationLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, ChunkLayout.MaxChunkLength);
        return Compressor.GetCompressBound(length);
    }

    /// <summary>
    /// Compresses <paramref name="chunk"/> into <paramref name="destination"/> (at least
    /// <see cref="GetDestinationLength"/> bytes). Returns false, and the chunk goes uncompressed,
    /// when the result would not be smaller than the chunk.
    /// </summary>
    public bool TryCompress(ReadOnlySpan<byte> chunk, Span<byte> destination, out int written)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunk.Length, ChunkLayout.MaxChunkLength, nameof(chunk));
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, GetDestinationLength(chunk.Length), nameof(destination));
        written = 0;
        if (chunk.IsEmpty)
        {
            return false;
        }

        var length = _compressor.Wrap(chunk, destination);
        if (length >= chunk.Length)
        {
            return false;
        }

        written = length;
        return true;
    }

    public void Dispose()
    {
        _compressor.Dispose();
        _options.Dispose();
    }
}
