namespace Broker.Transfer.Client;

/// <summary>A chunk message from the host is not well-formed protobuf (ADR 0005: malformed input is an <see cref="IOException"/>).</summary>
internal sealed class ChunkMessageException : IOException
{
    /// <summary>Creates the exception for a message that is malformed as <paramref name="problem"/> says.</summary>
    public ChunkMessageException(string problem)
        : base($"Chunk message: {problem}.")
    {
    }

    /// <summary>Creates the exception with no detail.</summary>
    public ChunkMessageException()
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public ChunkMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
