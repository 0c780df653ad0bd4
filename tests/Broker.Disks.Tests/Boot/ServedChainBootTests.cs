using Broker.Disks.Layers;
using Broker.Testing.Qemu;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Boot;

/// <summary>
/// Real QEMU booting the nasm test guests from our layer chain over our NBD server, with seals,
/// merges and snapshot boots between and during the boots.
/// </summary>
public sealed class ServedChainBootTests
{
    private const long CounterDiskBytes = 1024 * 1024;
    private const long ChurnDiskBytes = 4L * 1024 * 1024;
    private const int ChurnWritesPerBoot = 128;

    // Bounds the chain (the VHDX library opens at most 64 files) when a loaded machine slows the guest.
    private const int MaxSealsPerBoot = 15;

    // A churn boot lasts a few hundred milliseconds under TCG: seal often enough to land many
    // seals between its first and last write.
    private static readonly TimeSpan SealInterval = TimeSpan.FromMilliseconds(20);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CounterGuest_SealAfterFirstBootMergeAfterSecond_CountsOneTwoThree()
    {
        await using var chain = await GuestChain.CreateAsync(TestGuests.Counter, CounterDiskBytes, Token);

        var first = await chain.BootToPowerOffAsync(Token);
        var firstLayer = await chain.Store.SealServedAsync(chain.Server, GuestChain.LiveExport, Token);
        var second = await chain.BootToPowerOffAsync(Token);
        var secondLayer = await chain.Store.SealServedAsync(chain.Server, GuestChain.LiveExport, Token);
        var merged = await chain.Store.MergeServedAsync(chain.Server, GuestChain.LiveExport, firstLayer.Id, secondLayer.Id, Token);
        var third = await chain.BootToPowerOffAsync(Token);

        new[] { first, second, third }.ShouldBe(["boot count 1", "boot count 2", "boot count 3"]);
        chain.Store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe([merged.Id]);
        (await chain.BootSnapshotToPowerOffAsync(merged.Id, Token)).ShouldBe("boot count 3");
    }

    [Fact]
    public async Task CounterGuest_SnapshotAfterFirstBoot_BootsToTheCountOfThatTimeWhileTheChainCountsOn()
    {
        await using var chain = await GuestChain.CreateAsync(TestGuests.Counter, CounterDiskBytes, Token);
        (await chain.BootToPowerOffAsync(Token)).ShouldBe("boot count 1");
        var afterFirst = await chain.Store.SealServedAsync(chain.Server, GuestChain.LiveExport, Token);
        (await chain.BootToPowerOffAsync(Token)).ShouldBe("boot count 2");

        var snapshot = await chain.BootSnapshotToPowerOffAsync(afterFirst.Id, Token);
        var live = await chain.BootToPowerOffAsync(Token);
        var snapshotAgain = await chain.BootSnapshotToPowerOffAsync(afterFirst.Id, Token);

        snapshot.ShouldBe("boot count 2");
        live.ShouldBe("boot count 3");
        snapshotAgain.ShouldBe("boot count 2", "a snapshot boot's writes go to a throwaway top");
    }

    [Fact]
    public async Task ChurnGuest_SealedOverAndOverWhileRunning_NextBootVerifiesEveryWrite()
    {
        await using var chain = await GuestChain.CreateAsync(TestGuests.Churn, ChurnDiskBytes, Token);
        var seals = 0;

        async Task SealUntilExitAsync(Task exited)
        {
            for (var sealedThisBoot = 0; sealedThisBoot < MaxSealsPerBoot && !exited.IsCompleted; sealedThisBoot++)
            {
                _ = await chain.Store.SealServedAsync(chain.Server, GuestChain.LiveExport, Token);
                seals++;
                _ = await Task.WhenAny(exited, Task.Delay(SealInterval, Token));
            }
        }

        var outputs = new List<string>();
        for (var boot = 0; boot < 3; boot++)
        {
            outputs.Add(await chain.BootToPowerOffAsync(GuestChain.LiveExport, SealUntilExitAsync, Token));
        }

        outputs.Add(await chain.BootToPowerOffAsync(Token));

        outputs.ShouldBe(Enumerable.Range(1, 4).Select(boot => $"verify ok {boot} sectors {(boot - 1) * ChurnWritesPerBoot}"));
        chain.Store.Manifest.CurrentChain().Count.ShouldBe(seals);
        var layersWithData = 0;
        foreach (var layer in chain.Store.Manifest.CurrentChain())
        {
            await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, chain.Store.PathOf(layer), VhdxOpenOptions.ReadOnlyDefault, Token);
            layersWithData += (await file.GetAllocationAsync(Token)).Count > 0 ? 1 : 0;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{seals} seals while the guest ran; {layersWithData} sealed layers hold guest writes");
    }
}
