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
}
