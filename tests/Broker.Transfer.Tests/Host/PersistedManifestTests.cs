using Broker.Testing;
using Broker.Transfer.Host;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Tests.Host;

/// <summary>Manifests kept on disk across host restarts (<see cref="TransferHostOptions.ManifestCacheDirectory"/>).</summary>
public sealed class PersistedManifestTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetBaseAsync_AfterARestart_ReadsTheKeptManifestWithoutTheImage()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        using var temp = new TempDirectory();
        var image = temp.File("base.vhdx");
        File.Copy(scenario.HostLayers.Manifest.BasePath, image);
        var built = await Cache(temp).GetBaseAsync(image, Token);
        built.Chunks.Count.ShouldBeGreaterThan(0);

        // Same length, but no longer a VHDX: only a kept manifest can answer now.
        await using (var stream = new FileStream(image, FileMode.Open, FileAccess.Write))
        {
            stream.Write(new byte[64 * 1024]);
        }

        var kept = await Cache(temp).GetBaseAsync(image, Token);

        Same(kept, built);
    }

    [Fact]
    public async Task GetBaseAsync_KeptManifestTorn_BuildsAndKeepsItAgain()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        using var temp = new TempDirectory();
        var image = temp.File("base.vhdx");
        File.Copy(scenario.HostLayers.Manifest.BasePath, image);
        var built = await Cache(temp).GetBaseAsync(image, Token);
        var keptFile = Directory.GetFiles(temp.File("manifests")).ShouldHaveSingleItem();
        await File.WriteAllBytesAsync(keptFile, [1, 2, 3], Token);

        var rebuilt = await Cache(temp).GetBaseAsync(image, Token);

        Same(rebuilt, built);
        new FileInfo(keptFile).Length.ShouldBeGreaterThan(3);
    }

    [Fact]
    public async Task PruneAsync_FileNoLongerHeld_ForgetsItsManifestInMemoryAndOnDiskAndKeepsTheLiveOne()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        using var temp = new TempDirectory();
        var live = temp.File("live.vhdx");
        var gone = temp.File("gone.vhdx");
        File.Copy(scenario.HostLayers.Manifest.BasePath, live);
        File.Copy(scenario.HostLayers.Manifest.BasePath, gone);
        var cache = Cache(temp);
        var built = await cache.GetBaseAsync(live, Token);
        _ = await cache.GetBaseAsync(gone, Token);
        Directory.GetFiles(temp.File("manifests")).Length.ShouldBe(2);

        var removed = await cache.PruneAsync(new HashSet<string>(StringComparer.Ordinal) { live }, Token);

        removed.ShouldBe(1);
        Directory.GetFiles(temp.File("manifests")).ShouldHaveSingleItem();

        // Both files are no VHDX any more: only a kept manifest can answer, and only the live one's is kept.
        await SpoilAsync(live);
        await SpoilAsync(gone);
        Same(await Cache(temp).GetBaseAsync(live, Token), built);
        _ = await Should.ThrowAsync<VhdxFormatException>(() => cache.GetBaseAsync(gone, Token));
    }

    /// <summary>Overwrites the start of <paramref name="path"/>, keeping its length: it is no VHDX any more.</summary>
    private static async Task SpoilAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        await stream.WriteAsync(new byte[64 * 1024], Token);
    }

    /// <summary>A fresh cache (as after a host restart) keeping its manifests in <c>manifests</c> under <paramref name="temp"/>.</summary>
    private static LayerManifestCache Cache(TempDirectory temp) =>
        new(FileStorage.Instance, new PersistedManifests(FileStorage.Instance, temp.File("manifests")));

    private static void Same(LayerManifest actual, LayerManifest expected)
    {
        actual.Hash.ToArray().ShouldBe(expected.Hash.ToArray());
        actual.Algorithm.ShouldBe(expected.Algorithm);
        actual.Chunks.Select(chunk => chunk.Span).ShouldBe(expected.Chunks.Select(chunk => chunk.Span));
    }
}
