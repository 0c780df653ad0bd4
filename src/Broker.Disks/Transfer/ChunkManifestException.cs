namespace Broker.Disks.Transfer;

/// <summary>A layer manifest (list of chunks) is malformed: out of order, overlapping, oversized or with a wrong hash length.</summary>
/// <remarks>
/// Derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed in the
/// BCL (the same choice as <c>VhdxFormatException</c>); it is the transfer's malformed-data error.
/// </remarks>
public sealed class ChunkManifestException : IOException
{
    public ChunkManifestException(long chunkIndex, long offset, string message)
        : base($"Layer manifest, chunk {chunkIndex} at offset {offset}: {message}")
    {
        ChunkIndex = chunkIndex;
        Offset = offset;
    }

    public ChunkManifestException()
    {
    }

    public ChunkManifestException(string message)
        : base(message)
    {
    }

    public ChunkManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Index of the offending chunk in the manifest.</summary>
    public long ChunkIndex { get; }

    /// <summary>Virtual offset the offending chunk claims.</summary>
    public long Offset { get; }
}
