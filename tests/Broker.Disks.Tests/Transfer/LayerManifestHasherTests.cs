using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Broker.Disks.Transfer;

namespace Broker.Disks.Tests.Transfer;

public sealed class LayerManifestHasherTests
{
    private static readonly (ChunkSpan Chunk, byte[] Hash)[] Chunks =
    [
        (new ChunkSpan(0, 4096), Filled(1)),
        (new ChunkSpan(1 << 20, 1 << 20), Filled(2)),
        (new ChunkSpan(5L << 30, 512), Filled(3)),
    ];

    [Fact]
    public void Finish_Sha256_HashesTheDocumentedEncoding()
    {
        var expected = new List<byte>();
        expected.AddRange(Encoding.ASCII.GetBytes("broker.layer-manifest.v1\0"));
        expected.AddRange([(byte)ChunkHashAlgorithm.Sha256, 32]);
        foreach (var (chunk, hash) in Chunks)
        {
            var entry = new byte[12];
            BinaryPrimitives.WriteUInt64BigEndian(entry, (ulong)chunk.Offset);
            BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(8), (uint)chunk.Length);
            expected.AddRange(entry);
            expected.AddRange(hash);
        }

        var count = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(count, (ulong)Chunks.Length);
        expected.AddRange(count);

        Compute(ChunkHashAlgorithm.Sha256, Chunks).ShouldBe(SHA256.HashData([.. expected]));
    }

    [Theory]
    [InlineData(ChunkHashAlgorithm.Sha256)]
    [InlineData(ChunkHashAlgorithm.Blake3)]
    public void Finish_AnyFieldChanged_ChangesTheHash(ChunkHashAlgorithm algorithm)
    {
        var original = Compute(algorithm, Chunks);
        (ChunkSpan, byte[])[][] variants =
        [
            [Chunks[0], Chunks[1]],
            [(new ChunkSpan(512, 4096), Chunks[0].Hash), Chunks[1], Chunks[2]],
            [(new ChunkSpan(0, 3584), Chunks[0].Hash), Chunks[1], Chunks[2]],
            [Chunks[0], (Chunks[1].Chunk, Filled(9)), Chunks[2]],
        ];

        foreach (var variant in variants)
        {
            Compute(algorithm, variant).ShouldNotBe(original);
        }

        Compute(algorithm, Chunks).ShouldBe(original);
        Compute(ChunkHashAlgorithm.Sha256, Chunks).ShouldNotBe(Compute(ChunkHashAlgorithm.Blake3, Chunks));
    }

    [Fact]
    public void Finish_EmptyManifest_IsDefined()
    {
        Compute(ChunkHashAlgorithm.Blake3, []).Length.ShouldBe(ChunkHasher.HashLength);
    }

    [Fact]
    public void Append_OverlappingChunk_ThrowsManifestExceptionNamingTheChunk()
    {
        using var hasher = new LayerManifestHasher(ChunkHashAlgorithm.Blake3);
        hasher.Append(new ChunkSpan(0, 4096), Filled(1));

        var exception = Should.Throw<ChunkManifestException>(() => hasher.Append(new ChunkSpan(2048, 4096), Filled(2)));

        exception.ChunkIndex.ShouldBe(1);
        exception.Offset.ShouldBe(2048);
    }

    [Theory]
    [InlineData(0, 0, 32)]
    [InlineData(0, (1 << 20) + 1, 32)]
    [InlineData(0, 4096, 20)]
    [InlineData(long.MaxValue - 100, 4096, 32)]
    public void Append_BadChunk_ThrowsManifestException(long offset, int length, int hashLength)
    {
        using var hasher = new LayerManifestHasher(ChunkHashAlgorithm.Sha256);

        Should.Throw<ChunkManifestException>(() => hasher.Append(new ChunkSpan(offset, length), new byte[hashLength]));
    }

    private static byte[] Compute(ChunkHashAlgorithm algorithm, IEnumerable<(ChunkSpan Chunk, byte[] Hash)> chunks)
    {
        using var hasher = new LayerManifestHasher(algorithm);
        foreach (var (chunk, hash) in chunks)
        {
            hasher.Append(chunk, hash);
        }

        return hasher.Finish();
    }

    private static byte[] Filled(byte value) => Enumerable.Repeat(value, ChunkHasher.HashLength).ToArray();
}
