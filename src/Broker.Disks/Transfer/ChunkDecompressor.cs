using ZstdNet;

namespace Broker.Disks.Transfer;

/// <summary>
/// Receiver side: decompresses a chunk into exactly its declared length. Output is bounded by the
/// destination (a zip bomb stops there) and the zstd window by <see cref="MaxWindowLog"/> (memory);
/// any failure is a <see cref="ChunkIntegrityException"/>. Not thread-safe; one instance per stream.
/// </summary>
public sealed class ChunkDecompressor : IDisposable
{
    /// <summary>Largest zstd window accepted: 1 MiB, enough for any chunk.</summary>
    public const int MaxWindowLog = 20;

    private readonly DecompressionOptions _options;
    private readonly Decompressor _decompressor;

    public ChunkDecompressor()
    {
        _options = new DecompressionOptions(null, new Dictionary<ZSTD_dParameter, int> { [ZSTD_dParameter.ZSTD_d_windowLogMax] = MaxWindowLog });
        _decompressor = new Decompressor(_options);
    }

    /// <summary>
    /// Decompresses <paramref name="compressed"/> into all of <paramref name="destination"/>, whose
    /// length is the chunk's declared length (1 byte to 1 MiB). Throws
    /// <see cref="ChunkIntegrityException"/> when the payload is corrupt, declares or yields another
    /// length, or would expand beyond it.
    /// </summary>
    /// <param name="offset">The chunk's virtual offset, for the error.</param>
    /// <param name="compressed">The zstd payload as received.</param>
    /// <param name="destination">Exactly the chunk's declared length.</param>
    public void Decompress(long offset, ReadOnlySpan<byte> compressed, Span<byte> destination)
    {
        if (destination.IsEmpty || destination.Length > ChunkLayout.MaxChunkLength)
        {
            throw new ChunkIntegrityException(offset, ChunkIntegrityFailure.BadLength, $"declared length {destination.Length} is not within 1 to {ChunkLayout.MaxChunkLength} bytes");
        }

        int written;
        try
        {
            written = _decompressor.Unwrap(compressed, destination, bufferSizePrecheck: true);
        }
        catch (ZstdException exception)
        {
            throw new ChunkIntegrityException(offset, ChunkIntegrityFailure.CorruptCompression, $"zstd payload of {compressed.Length} bytes does not decompress into {destination.Length} bytes ({exception.Message})", exception);
        }

        if (written != destination.Length)
        {
            throw new ChunkIntegrityException(offset, ChunkIntegrityFailure.WrongLength, $"decompressed to {written} bytes, declared {destination.Length}");
        }
    }

    public void Dispose()
    {
        _decompressor.Dispose();
        _options.Dispose();
    }
}
