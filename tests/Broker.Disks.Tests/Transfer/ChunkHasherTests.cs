using System.Text;
using Broker.Disks.Transfer;

namespace Broker.Disks.Tests.Transfer;

public sealed class ChunkHasherTests
{
    [Theory]
    [InlineData(ChunkHashAlgorithm.Sha256, "", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData(ChunkHashAlgorithm.Sha256, "abc", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [InlineData(ChunkHashAlgorithm.Blake3, "", "AF1349B9F5F9A1A6A0404DEA36DCC9499BCB25C9ADC112B7CC9A93CAE41F3262")]
    [InlineData(ChunkHashAlgorithm.Blake3, "abc", "6437B3AC38465133FFB63B75273A8DB548C558465D79DB03FD359C6CD5BD9D85")]
    public void Hash_KnownInput_GivesPublishedDigest(ChunkHashAlgorithm algorithm, string input, string expectedHex)
    {
        var hash = new byte[ChunkHasher.HashLength];

        ChunkHasher.Hash(algorithm, Encoding.ASCII.GetBytes(input), hash);

        Convert.ToHexString(hash).ShouldBe(expectedHex);
    }

    [Theory]
    [InlineData(ChunkHashAlgorithm.Sha256)]
    [InlineData(ChunkHashAlgorithm.Blake3)]
    public void Matches_FlippedBit_IsFalse(ChunkHashAlgorithm algorithm)
    {
        var data = DiskLikeData.Create(64 * 1024, seed: 1);
        var hash = new byte[ChunkHasher.HashLength];
        ChunkHasher.Hash(algorithm, data, hash);

        ChunkHasher.Matches(algorithm, data, hash).ShouldBeTrue();
        data[40_000] ^= 0x10;
        ChunkHasher.Matches(algorithm, data, hash).ShouldBeFalse();
        ChunkHasher.Matches(algorithm, data, hash.AsSpan(0, 31)).ShouldBeFalse();
    }
}
