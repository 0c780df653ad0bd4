using Broker.Disks.Transfer;

namespace Broker.Disks.Tests.Transfer;

public sealed class ChunkCompressionTests : IDisposable
{
    private const int MiB = ChunkLayout.MaxChunkLength;

    private readonly ChunkCompressor _compressor = new();
    private readonly ChunkDecompressor _decompressor = new();
    private readonly byte[] _compressed = new byte[ChunkCompressor.GetDestinationLength(MiB)];

    public void Dispose()
    {
        _compressor.Dispose();
        _decompressor.Dispose();
    }

    [Theory]
    [InlineData(1, MiB)]
    [InlineData(1, 4096)]
    [InlineData(3, MiB)]
    [InlineData(1, 512 * 3)]
    public void TryCompress_DiskLikeData_CompressesAndRoundTrips(int level, int length)
    {
        using var compressor = new ChunkCompressor(level);
        var chunk = DiskLikeData.Create(length, seed: length);
        var restored = new byte[length];

        var compressed = compressor.TryCompress(chunk, _compressed, out var written);
        _decompressor.Decompress(0, _compressed.AsSpan(0, written), restored);

        compressed.ShouldBeTrue();
        written.ShouldBeLessThan(length);
        restored.ShouldBe(chunk);
    }

    [Fact]
    public void TryCompress_RandomData_IsNotCompressed()
    {
        var chunk = DiskLikeData.Random(MiB, seed: 2);

        _compressor.TryCompress(chunk, _compressed, out var written).ShouldBeFalse();
        written.ShouldBe(0);
    }

    [Fact]
    public void TryCompress_ManyChunksWithOneInstance_EachRoundTrips()
    {
        var restored = new byte[64 * 1024];
        for (var seed = 0; seed < 20; seed++)
        {
            var chunk = DiskLikeData.Create(restored.Length, seed);
            if (!_compressor.TryCompress(chunk, _compressed, out var written))
            {
                continue;
            }

            _decompressor.Decompress(seed, _compressed.AsSpan(0, written), restored);
            restored.ShouldBe(chunk);
        }
    }

    [Fact]
    public void TryCompress_DestinationBelowBound_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => _compressor.TryCompress(new byte[4096], new byte[4096], out _));
    }

    [Fact]
    public void Decompress_BombExpandingBeyondTheDeclaredLength_ThrowsCorruptCompression()
    {
        _compressor.TryCompress(new byte[MiB], _compressed, out var written).ShouldBeTrue();
        var declared = new byte[4096];

        var exception = Should.Throw<ChunkIntegrityException>(() => _decompressor.Decompress(8192, _compressed.AsSpan(0, written), declared));

        exception.Failure.ShouldBe(ChunkIntegrityFailure.CorruptCompression);
        exception.Offset.ShouldBe(8192);
    }

    [Fact]
    public void Decompress_ShorterThanDeclared_ThrowsWrongLength()
    {
        _compressor.TryCompress(new byte[4096], _compressed, out var written).ShouldBeTrue();
        var declared = new byte[8192];

        var exception = Should.Throw<ChunkIntegrityException>(() => _decompressor.Decompress(0, _compressed.AsSpan(0, written), declared));

        exception.Failure.ShouldBe(ChunkIntegrityFailure.WrongLength);
    }

    [Fact]
    public void Decompress_FrameWithoutContentSizeThatEndsShort_ThrowsWrongLength()
    {
        // Two frames of 4 KiB each declare their own sizes; together they are 8 KiB, declared 12 KiB.
        _compressor.TryCompress(new byte[4096], _compressed, out var written).ShouldBeTrue();
        var twoFrames = _compressed.AsSpan(0, written).ToArray().Concat(_compressed.AsSpan(0, written).ToArray()).ToArray();

        var exception = Should.Throw<ChunkIntegrityException>(() => _decompressor.Decompress(0, twoFrames, new byte[3 * 4096]));

        exception.Failure.ShouldBe(ChunkIntegrityFailure.WrongLength);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData(new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 0, 0, 0, 0 })]
    [InlineData(new byte[0])]
    public void Decompress_Garbage_ThrowsChunkIntegrityException(byte[] payload)
    {
        Should.Throw<ChunkIntegrityException>(() => _decompressor.Decompress(0, payload, new byte[4096]));
    }

    [Fact]
    public void Decompress_TruncatedPayload_ThrowsCorruptCompression()
    {
        var chunk = DiskLikeData.Create(MiB, seed: 3);
        _compressor.TryCompress(chunk, _compressed, out var written).ShouldBeTrue();

        var exception = Should.Throw<ChunkIntegrityException>(() => _decompressor.Decompress(0, _compressed.AsSpan(0, written - 5), new byte[MiB]));

        exception.Failure.ShouldBe(ChunkIntegrityFailure.CorruptCompression);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MiB + 1)]
    public void Decompress_DeclaredLengthOutOfRange_ThrowsBadLength(int declared)
    {
        var exception = Should.Throw<ChunkIntegrityException>(() => _decompressor.Decompress(0, new byte[16], new byte[declared]));

        exception.Failure.ShouldBe(ChunkIntegrityFailure.BadLength);
    }
}
