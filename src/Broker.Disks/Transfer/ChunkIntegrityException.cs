namespace Broker.Disks.Transfer;

/// <summary>A received chunk failed verification; nothing of it may be written. The receiver refetches it.</summary>
/// <remarks>
/// Derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed in the
/// BCL (the same choice as <c>VhdxFormatException</c>); it is the transfer's malformed-data error.
/// </remarks>
public sealed class ChunkIntegrityException : IOException
{
    public ChunkIntegrityException(long offset, ChunkIntegrityFailure failure, string message)
        : base($"Chunk at offset {offset}: {message}")
    {
        Offset = offset;
        Failure = failure;
    }

    public ChunkIntegrityException(long offset, ChunkIntegrityFailure failure, string message, Exception innerException)
        : base($"Chunk at offset {offset}: {message}", innerException)
    {
        Offset = offset;
        Failure = failure;
    }

    public ChunkIntegrityException()
    {
    }

    public ChunkIntegrityException(string message)
        : base(message)
    {
    }

    public ChunkIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Virtual offset of the chunk.</summary>
    public long Offset { get; }

    /// <summary>The check that failed.</summary>
    public ChunkIntegrityFailure Failure { get; }
}
