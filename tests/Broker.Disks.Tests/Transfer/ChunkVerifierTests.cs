using Broker.Disks.Transfer;

namespace Broker.Disks.Tests.Transfer;

public sealed class ChunkVerifierTests : IDisposable
{
    private const int MiB = ChunkLayout.MaxChunkLength;

    private readonly ChunkCompressor _compressor = new();
    private readonly ChunkVerifier _verifier = new(ChunkHashAlgorithm.Blake3);
    private readonly byte[] _buffer = new byte[MiB];

    public void Dispose()
    {
        _compressor.Dispose();
        _verifier.Dispose();
    }

    [Fact]
    public void Verify_CompressedChunk_ReturnsTheOriginalData()
    {
        var (chunk, data, hash, payload) = Encode(DiskLikeData.Create(MiB, seed: 4), offset: 3 * MiB);

        var verified = _verifier.Verify(chunk, compressed: true, payload, hash, _buffer);

        verified.SequenceEqual(data).ShouldBeTrue();
    }

    [Fact]
    public void Verify_UncompressedChunk_ReturnsThePayload()
    {
        var data = DiskLikeData.Random(4096, seed: 5);
        var hash = Hash(data);

        var verified = _verifier.Verify(new ChunkSpan(0, data.Length), compressed: false, data, hash, _buffer);

        verified.SequenceEqual(data).ShouldBeTrue();
    }

    [Fact]
    public void Verify_AnyFlippedBitInTheCompressedPayload_Throws()
    {
        var (chunk, _, hash, payload) = Encode(DiskLikeData.Create(64 * 1024, seed: 6), offset: 0);
        var random = new Random(6);

        for (var i = 0; i < 200; i++)
        {
            var tampered = payload.ToArray();
            var bit = random.Next(tampered.Length * 8);
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));

            Should.Throw<ChunkIntegrityException>(() => _verifier.Verify(chunk, compressed: true, tampered, hash, _buffer), $"bit {bit}");
        }
    }

    [Fact]
    public void Verify_FlippedBitInUncompressedPayload_ThrowsHashMismatch()
    {
        var data = DiskLikeData.Random(8192, seed: 7);
        var hash = Hash(data);
        data[5000] ^= 0x04;

        var exception = Should.Throw<ChunkIntegrityException>(() => _verifier.Verify(new ChunkSpan(1 << 30, data.Length), compressed: false, data, hash, _buffer));

        exception.Failure.ShouldBe(ChunkIntegrityFailure.HashMismatch);
        exception.Offset.ShouldBe(1 << 30);
    }

    [Fact]
    public void Verify_HashOfAnotherAlgorithm_ThrowsHashMismatch()
    {
        var data = DiskLikeData.Create(4096, seed: 8);
        var sha256 = new byte[ChunkHasher.HashLength];
        ChunkHasher.Hash(ChunkHashAlgorithm.Sha256, data, sha256);

        Should.Throw<ChunkIntegrityException>(() => _verifier.Verify(new ChunkSpan(0, data.Length), compressed: false, data, sha256, _buffer))
            .Failure.ShouldBe(ChunkIntegrityFailure.HashMismatch);
    }

    public static TheoryData<int, bool, int, int, ChunkIntegrityFailure> BadShapes => new()
    {
        { 4096, false, 4095, 32, ChunkIntegrityFailure.WrongLength },
        { 4096, false, 4097, 32, ChunkIntegrityFailure.WrongLength },
        { 4096, true, 4096, 32, ChunkIntegrityFailure.BadLength },
        { 4096, true, 0, 32, ChunkIntegrityFailure.BadLength },
        { 0, false, 0, 32, ChunkIntegrityFailure.BadLength },
        { MiB + 512, false, MiB + 512, 32, ChunkIntegrityFailure.BadLength },
        { 4096, false, 4096, 16, ChunkIntegrityFailure.BadHash },
    };

    [Theory]
    [MemberData(nameof(BadShapes))]
    public void Verify_LengthsThatContradictEachOther_Throw(int declared, bool compressed, int payloadLength, int hashLength, ChunkIntegrityFailure failure)
    {
        var exception = Should.Throw<ChunkIntegrityException>(() =>
            _verifier.Verify(new ChunkSpan(0, declared), compressed, new byte[payloadLength], new byte[hashLength], _buffer));

        exception.Failure.ShouldBe(failure);
    }

    [Fact]
    public void Verify_BombDeclaredSmall_ThrowsWithoutWritingPastTheDeclaredLength()
    {
        var compressed = new byte[ChunkCompressor.GetDestinationLength(MiB)];
        _compressor.TryCompress(Enumerable.Repeat((byte)0xAA, MiB).ToArray(), compressed, out var written).ShouldBeTrue();
        Array.Fill(_buffer, (byte)0x55);

        Should.Throw<ChunkIntegrityException>(() => _verifier.Verify(new ChunkSpan(0, 4096), compressed: true, compressed.AsSpan(0, written), new byte[32], _buffer));

        _buffer.AsSpan(4096).ContainsAnyExcept((byte)0x55).ShouldBeFalse();
    }

    private (ChunkSpan Chunk, byte[] Data, byte[] Hash, byte[] Payload) Encode(byte[] data, long offset)
    {
        var compressed = new byte[ChunkCompressor.GetDestinationLength(data.Length)];
        _compressor.TryCompress(data, compressed, out var written).ShouldBeTrue();
        return (new ChunkSpan(offset, data.Length), data, Hash(data), compressed[..written]);
    }

    private static byte[] Hash(byte[] data)
    {
        var hash = new byte[ChunkHasher.HashLength];
        ChunkHasher.Hash(ChunkHashAlgorithm.Blake3, data, hash);
        return hash;
    }
}
