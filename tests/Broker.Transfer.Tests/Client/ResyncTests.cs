using Broker.Disks.Layers;
using Broker.Transfer.Client;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Tests.Client;

public sealed class ResyncTests
{
    [Fact]
    public async Task PullAsync_HostSealedMoreLayers_PullsOnlyTheLayersAfterTheLastCommonOne()
    {
        var counter = new PullCounter();
        await using var scenario = await TransferScenario.CreateAsync(counter, TestContext.Current.CancellationToken);
        await (await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken)).DisposeAsync();
        await TransferScenario.WriteAsync(scenario.HostLayers, 4L * 1024 * 1024, 1024 * 1024, 51);
        var added = await scenario.HostLayers.SealAsync(TestContext.Current.CancellationToken);
        counter.Reset();

        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);

        counter.BaseChunks.ShouldBe(0);
        counter.LayerChunks.ShouldBe(1);
        pulled.Manifest.CurrentChain().Select(layer => (layer.Id, layer.ContentSha256)).ShouldBe(scenario.HostLayers.Manifest.CurrentChain().Select(layer => (layer.Id, layer.ContentSha256)));
        (await TransferScenario.ReadSnapshotAsync(pulled, added.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, added.Id));
    }

    [Fact]
    public async Task PullAsync_ClientAheadOfTheHost_KeepsItsLayersAndPullsNothing()
    {
        var counter = new PullCounter();
        await using var scenario = await TransferScenario.CreateAsync(counter, TestContext.Current.CancellationToken);
        long local;
        await using (var first = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken))
        {
            await TransferScenario.WriteAsync(first, 0, 65536, 52);
            local = (await first.SealAsync(TestContext.Current.CancellationToken)).Id;
        }

        counter.Reset();

        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);

        (counter.BaseChunks + counter.LayerChunks).ShouldBe(0);
        pulled.Manifest.CurrentChain()[^1].Id.ShouldBe(local);
    }

    [Fact]
    public async Task PullAsync_BothSidesSealedNewLayers_SetsTheLocalBranchAsideUnchanged_AndPullsTheHostsChain()
    {
        var counter = new PullCounter();
        await using var scenario = await TransferScenario.CreateAsync(counter, TestContext.Current.CancellationToken);
        ChainManifest before;
        byte[] localContent;
        long local;
        await using (var first = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken))
        {
            await TransferScenario.WriteAsync(first, 0, 65536, 53);
            local = (await first.SealAsync(TestContext.Current.CancellationToken)).Id;
            before = first.Manifest;
            localContent = await TransferScenario.ReadSnapshotAsync(first, local);
        }

        await TransferScenario.WriteAsync(scenario.HostLayers, 0, 65536, 54);
        var theirs = await scenario.HostLayers.SealAsync(TestContext.Current.CancellationToken);
        DivergedBranches.List(scenario.ClientLayerDirectory).ShouldBeEmpty();
        var theirsChunks = (await scenario.Client(Contracts.V1.TransferDirection.Pull).GetLayerManifestAsync(new Contracts.V1.GetLayerManifestRequest { LayerId = LayerIds.Format(theirs.Id) }, null, TestContext.Current.CancellationToken)).Chunks.Count;
        counter.Reset();

        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, TestContext.Current.CancellationToken);

        counter.LayerChunks.ShouldBe(theirsChunks, "the layers both sides shared come from the branch set aside, only the host's new one over the wire");

        pulled.Manifest.CurrentChain().Select(layer => (layer.Id, layer.ContentSha256)).ShouldBe(scenario.HostLayers.Manifest.CurrentChain().Select(layer => (layer.Id, layer.ContentSha256)));
        (await TransferScenario.ReadSnapshotAsync(pulled, theirs.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, theirs.Id));
        var branch = DivergedBranches.List(scenario.ClientLayerDirectory).ShouldHaveSingleItem();
        await using var kept = await LayerStore.OpenAsync(FileStorage.Instance, branch, null, TestContext.Current.CancellationToken);
        kept.Manifest.CurrentChain().Select(layer => (layer.Id, layer.ContentSha256)).ShouldBe(before.CurrentChain().Select(layer => (layer.Id, layer.ContentSha256)));
        kept.Manifest.Top.Id.ShouldBe(before.Top.Id);
        (await TransferScenario.ReadSnapshotAsync(kept, local)).ShouldBe(localContent, "the diverged branch is kept as it was");
    }

    [Fact]
    public async Task DiscardAsync_DeletesTheBranch_DropsItsBaseReference_AndSweepsARemnantOfAKilledDiscard()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: cancellationToken);
        await using (var first = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, cancellationToken))
        {
            await TransferScenario.WriteAsync(first, 0, 65536, 55);
            _ = await first.SealAsync(cancellationToken);
        }

        await TransferScenario.WriteAsync(scenario.HostLayers, 0, 65536, 56);
        _ = await scenario.HostLayers.SealAsync(cancellationToken);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, cancellationToken);
        var branch = DivergedBranches.List(scenario.ClientLayerDirectory).ShouldHaveSingleItem();
        var address = pulled.Manifest.BaseAddress;
        scenario.ClientBases.Find(address).ShouldNotBeNull().References.ShouldBe(2, "the chain and the branch each hold the base");
        var remnant = Directory.CreateDirectory(scenario.ClientLayerDirectory + ".discarding-007").FullName;
        await File.WriteAllTextAsync(Path.Combine(remnant, "L-1.1.avhdx"), "left by a killed discard", cancellationToken);

        DivergedBranches.NameOf(branch).ShouldBe("diverged-001");
        await DivergedBranches.DiscardAsync(FileStorage.Instance, scenario.ClientBases, branch, cancellationToken);

        DivergedBranches.List(scenario.ClientLayerDirectory).ShouldBeEmpty();
        Directory.Exists(branch).ShouldBeFalse();
        Directory.Exists(remnant).ShouldBeFalse();
        scenario.ClientBases.Find(address).ShouldNotBeNull().References.ShouldBe(1);
        pulled.Manifest.CurrentChain().Count.ShouldBe(scenario.HostLayers.Manifest.CurrentChain().Count, "the desktop's own chain is untouched");
    }
}
