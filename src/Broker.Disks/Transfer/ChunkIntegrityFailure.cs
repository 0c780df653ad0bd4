namespace Broker.Disks.Transfer;

/// <summary>Which check a received chunk failed.</summary>
public enum ChunkIntegrityFailure
{
    /// <summary>The declared length is outside 1 byte to 1 MiB, or the payload length contradicts it.</summary>
    BadLength = 1,

    /// <summary>The compressed payload is not valid zstd, or expands beyond the declared length.</summary>
    CorruptCompression,

    /// <summary>The payload decompresses to another length than declared.</summary>
    WrongLength,

    /// <summary>The expected hash is not a hash of this algorithm (wrong size).</summary>
    BadHash,

    /// <summary>The data does not hash to the expected hash.</summary>
    HashMismatch,
}
