using System.Security.Cryptography;

namespace Broker.Disks.Transfer;

/// <summary>Chunk content hashes: cryptographic, 32 bytes for every algorithm, no allocation.</summary>
public static class ChunkHasher
{
    /// <summary>Length of every chunk and manifest hash.</summary>
    public const int HashLength = 32;

    /// <summary>The algorithm new manifests use (ADR 0004).</summary>
    public const ChunkHashAlgorithm Default = ChunkHashAlgorithm.Blake3;

    /// <summary>Writes the hash of <paramref name="data"/> into the first <see cref="HashLength"/> bytes of <paramref name="destination"/>.</summary>
    public static void Hash(ChunkHashAlgorithm algorithm, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HashLength, nameof(destination));
        switch (algorithm)
        {
            case ChunkHashAlgorithm.Sha256:
                SHA256.HashData(data, destination);
                break;
            case ChunkHashAlgorithm.Blake3:
                global::Blake3.Hasher.Hash(data, destination[..HashLength]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown chunk hash algorithm.");
        }
    }

    /// <summary>True when <paramref name="data"/> hashes to <paramref name="expected"/> (which must be <see cref="HashLength"/> bytes).</summary>
    public static bool Matches(ChunkHashAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> expected)
    {
        if (expected.Length != HashLength)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[HashLength];
        Hash(algorithm, data, actual);
        return actual.SequenceEqual(expected);
    }
}
