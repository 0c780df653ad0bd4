using Broker.Disks.Transfer;
using Broker.Testing;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Tests.Manifests;

/// <summary>
/// What a resumed pull claims from its staging file: a chunk held with the manifest's hash, also an
/// all-zero one (found by a scan, not a hash); never a reserved block the manifest wants data in.
/// </summary>
public sealed class HeldChunkProbeTests
{
    private const int Chunk = ChunkLayout.MaxChunkLength;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HoldsAsync_ReservedStagingFile_ClaimsWrittenAndZeroChunksOnly()
    {
        using var directory = new TempDirectory("broker-probe-");
        var data = new byte[Chunk];
        new Random(3).NextBytes(data);
        var other = new byte[Chunk];
        new Random(4).NextBytes(other);
        LayerManifest manifest;
        await using (var source = await CreateAsync(directory.File("source.vhdx")))
        {
            // Chunks: data, written zeros (present), other data, data again.
            await source.WriteAsync(0, data, Token);
            await source.WriteAsync(Chunk, new byte[Chunk], Token);
            await source.WriteAsync(2 * Chunk, other, Token);
            await source.WriteAsync(3 * Chunk, data, Token);
            manifest = await LayerManifest.BuildAsync(source, ChunkHasher.Default, Token);
        }

        await using var staging = await CreateAsync(directory.File("staging.vhdx"));
        await staging.ReserveBlocksAsync(0, 4 * Chunk, Token);
        await staging.WriteAsync(0, data, Token);
        await staging.WriteAsync(3 * Chunk, other, Token);
        using var probe = new HeldChunkProbe(staging, manifest);

        manifest.Chunks.Count.ShouldBe(4);
        (await probe.HoldsAsync(0, Token)).ShouldBeTrue("written with the manifest's bytes");
        probe.Held.ToArray().ShouldBe(data);
        (await probe.HoldsAsync(1, Token)).ShouldBeTrue("a reserved block reads as the zeros the manifest has there");
        (await probe.HoldsAsync(2, Token)).ShouldBeFalse("a reserved block never written is not the data the manifest wants");
        (await probe.HoldsAsync(3, Token)).ShouldBeFalse("other bytes than the manifest's");
    }

    private static Task<VhdxFile> CreateAsync(string path) =>
        VhdxFile.CreateAsync(FileStorage.Instance, path, VhdxCreateOptions.Dynamic(8 * Chunk, blockSize: Chunk), Token);
}
