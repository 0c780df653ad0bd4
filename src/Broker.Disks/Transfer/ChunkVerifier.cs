namespace Broker.Disks.Transfer;

/// <summary>
/// Receiver side: turns a chunk as received (payload, compression flag, declared length and hash)
/// into verified data, or throws <see cref="ChunkIntegrityException"/>. Order: bound the lengths,
/// decompress into the declared length, hash, compare. Not thread-safe (owns a decompression
/// context); one instance per stream; no allocation per chunk.
/// </summary>
public sealed class ChunkVerifier : IDisposable
{
    private readonly ChunkDecompressor _decompressor = new();

    public ChunkVerifier(ChunkHashAlgorithm algorithm)
    {
        if (!Enum.IsDefined(algorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown chunk hash algorithm.");
        }

        Algorithm = algorithm;
    }

    public ChunkHashAlgorithm Algorithm { get; }

    /// <summary>
    /// Verifies one chunk and returns its data: <paramref name="payload"/> itself when it is not
    /// compressed, else the first <c>chunk.Length</c> bytes of <paramref name="buffer"/>.
    /// </summary>
    /// <param name="chunk">Offset and declared (uncompressed) length.</param>
    /// <param name="compressed">The wire's compression flag.</param>
    /// <param name="payload">The bytes received.</param>
    /// <param name="expectedHash">The hash from the manifest.</param>
    /// <param name="buffer">Scratch for decompression, at least <see cref="ChunkLayout.MaxChunkLength"/> bytes (rent it from the pool).</param>
    public ReadOnlySpan<byte> Verify(ChunkSpan chunk, bool compressed, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> expectedHash, Span<byte> buffer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, ChunkLayout.MaxChunkLength, nameof(buffer));
        if (chunk.Length <= 0 || chunk.Length > ChunkLayout.MaxChunkLength)
        {
            throw new ChunkIntegrityException(chunk.Offset, ChunkIntegrityFailure.BadLength, $"declared length {chunk.Length} is not within 1 to {ChunkLayout.MaxChunkLength} bytes");
        }

        if (expectedHash.Length != ChunkHasher.HashLength)
        {
            throw new ChunkIntegrityException(chunk.Offset, ChunkIntegrityFailure.BadHash, $"expected hash is {expectedHash.Length} bytes, not {ChunkHasher.HashLength}");
        }

        ReadOnlySpan<byte> data;
        if (compressed)
        {
            // A sender compresses only when it saves space; anything else is not a chunk we sent.
            if (payload.IsEmpty || payload.Length >= chunk.Length)
            {
                throw new ChunkIntegrityException(chunk.Offset, ChunkIntegrityFailure.BadLength, $"compressed payload of {payload.Length} bytes for {chunk.Length} declared");
            }

            var output = buffer[..chunk.Length];
            _decompressor.Decompress(chunk.Offset, payload, output);
            data = output;
        }
        else
        {
            if (payload.Length != chunk.Length)
            {
                throw new ChunkIntegrityException(chunk.Offset, ChunkIntegrityFailure.WrongLength, $"payload of {payload.Length} bytes, declared {chunk.Length}");
            }

            data = payload;
        }

        if (!ChunkHasher.Matches(Algorithm, data, expectedHash))
        {
            throw new ChunkIntegrityException(chunk.Offset, ChunkIntegrityFailure.HashMismatch, $"{Algorithm} hash does not match the manifest");
        }

        return data;
    }

    public void Dispose() => _decompressor.Dispose();
}
