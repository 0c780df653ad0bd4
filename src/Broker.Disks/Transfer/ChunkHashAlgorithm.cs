namespace Broker.Disks.Transfer;

/// <summary>Hash of chunks and of a layer manifest. Values equal the wire enum <c>broker.v1.HashAlgorithm</c>.</summary>
public enum ChunkHashAlgorithm
{
    /// <summary>SHA-256 (FIPS 180-4).</summary>
    Sha256 = 1,

    /// <summary>BLAKE3 with 32-byte output; the default (ADR 0004).</summary>
    Blake3 = 2,
}
