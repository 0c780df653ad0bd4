using Broker.ClientAgent.Desktops;
using Broker.Disks.Layers;
using Broker.Testing;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.Tests.Desktops;

/// <summary>Whether the served top was written, which decides whether a sync seals: exact however the copy was opened.</summary>
public sealed class DesktopRuntimeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TopWritten_IsFalseForAnUntouchedTop_TrueAfterAWrite_AndFalseAgainAfterTheSeal(bool liveDeviceOpenWhenServed)
    {
        using var directory = new TempDirectory("broker-runtime-");
        var paths = DesktopPaths.Of(directory.File("laptop"), "desktop-1");
        await using (var created = await CounterDesktop.CreateAsync(directory, paths, Token))
        {
            // A copy sealed before, reopened as after a restart.
            await (await created.OpenLiveDeviceAsync(Token)).WriteAsync(0, new byte[4096], forceUnitAccess: false, Token);
            _ = await created.SealAsync(Token);
        }

        var store = await LayerStore.OpenAsync(FileStorage.Instance, paths.Chain, null, Token);
        if (liveDeviceOpenWhenServed)
        {
            _ = await store.OpenLiveDeviceAsync(Token);
        }

        await using var runtime = await DesktopRuntime.ServeAsync(store, paths, Token);
        var untouched = await runtime.TopWrittenAsync(Token);
        await store.LiveDevice!.WriteAsync(8192, new byte[] { 1, 2, 3, 4 }.Concat(new byte[508]).ToArray(), forceUnitAccess: false, Token);
        var written = await runtime.TopWrittenAsync(Token);
        _ = await runtime.SealAsync(Token);
        var afterSeal = await runtime.TopWrittenAsync(Token);

        untouched.ShouldBeFalse("nothing was written since the last seal");
        written.ShouldBeTrue();
        afterSeal.ShouldBeFalse();
    }

    [Fact]
    public async Task TopWritten_AfterAServedMergeReplacedTheTop_SeesTheNextWrite()
    {
        using var directory = new TempDirectory("broker-runtime-");
        var paths = DesktopPaths.Of(directory.File("laptop"), "desktop-1");
        await (await CounterDesktop.CreateAsync(directory, paths, Token)).DisposeAsync();
        var store = await LayerStore.OpenAsync(FileStorage.Instance, paths.Chain, null, Token);
        await using var runtime = await DesktopRuntime.ServeAsync(store, paths, Token);

        // Two synced layers, merged under the export as a sync does: the merge makes a new top file.
        foreach (var offset in new long[] { 0, 65536 })
        {
            await store.LiveDevice!.WriteAsync(offset, new byte[4096], forceUnitAccess: false, Token);
            _ = await runtime.SealAsync(Token);
        }

        var sealedLayers = store.Manifest.CurrentChain();
        _ = await runtime.MergeAsync(sealedLayers[^2].Id, sealedLayers[^1].Id, Token);
        var untouched = await runtime.TopWrittenAsync(Token);
        await store.LiveDevice!.WriteAsync(131072, new byte[] { 5, 6, 7, 8 }.Concat(new byte[508]).ToArray(), forceUnitAccess: false, Token);
        var written = await runtime.TopWrittenAsync(Token);

        untouched.ShouldBeFalse("the merge moved nothing written into the new top");
        written.ShouldBeTrue("a write after the merge must be synced");
    }
}
