using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Disks.Transfer;
using Broker.Testing;
using Broker.Transfer.Client;
using Broker.Transfer.Manifests;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Grpc.Core;

namespace Broker.Transfer.Tests.Host;

/// <summary>A revoked device's late pushes (design §5): kept in the desktop's quarantine, never applied to the chain.</summary>
public sealed class QuarantinePushTests
{
    private const int AbortAfter = 3;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PushLayer_RevokedDeviceAtRevokedEpoch_KeptInQuarantineAndChainUnchanged()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, Token);
        var layer = await SealClientLayerAsync(pulled, 51);
        var revoked = await RevokeAndResumeOnServerAsync(scenario);
        var chainFiles = await HashChainDirectoryAsync(scenario);
        var manifest = scenario.HostLayers.Manifest;

        var result = await LatePusher(scenario, revoked, "late").PushAsync(pulled, layer.Id, revoked, null, Token);

        result.Quarantined.ShouldBeTrue();
        result.AlreadyPresent.ShouldBeFalse();
        result.Epoch.ShouldBe(revoked);
        (await HashChainDirectoryAsync(scenario)).ShouldBe(chainFiles);
        scenario.HostLayers.Manifest.ShouldBeSameAs(manifest);
        var kept = scenario.HostQuarantine!.Find(layer.Id).ShouldNotBeNull();
        kept.ParentId.ShouldBe(layer.ParentId);
        kept.Epoch.ShouldBe(revoked);
        kept.DeviceId.ShouldBe(TransferScenario.DeviceId);
        kept.ContentSha256.ShouldBe(layer.ContentSha256);
        kept.SizeBytes.ShouldBe(new FileInfo(scenario.HostQuarantine.PathOf(kept)).Length);
        (await VhdxFile.CheckAsync(FileStorage.Instance, scenario.HostQuarantine.PathOf(kept), Token)).Problems.ShouldBeEmpty();
        (await ReadThroughParentsAsync(scenario.HostQuarantine.PathOf(kept))).ShouldBe(await TransferScenario.ReadSnapshotAsync(pulled, layer.Id));
        Directory.GetFiles(scenario.HostQuarantineDirectory, LayerStore.StagingPrefix + "*").ShouldBeEmpty();
        var status = await scenario.Client(TransferDirection.Push, scenario.Ticket(TransferDirection.Push, revoked)).GetPushStatusAsync(layer.Id, Token);
        status.Committed.ShouldBeTrue();
        status.Quarantined.ShouldBeTrue();
    }

    [Fact]
    public async Task PushLayer_SameLatePushTwice_SecondIsAlreadyPresent()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, Token);
        var layer = await SealClientLayerAsync(pulled, 52);
        var revoked = await RevokeAndResumeOnServerAsync(scenario);
        _ = await LatePusher(scenario, revoked, "first").PushAsync(pulled, layer.Id, revoked, null, Token);
        var quarantineFiles = await HashDirectoryAsync(scenario.HostQuarantineDirectory);

        var again = await LatePusher(scenario, revoked, "second").PushAsync(pulled, layer.Id, revoked, null, Token);

        again.AlreadyPresent.ShouldBeTrue();
        again.Quarantined.ShouldBeTrue();
        (await HashDirectoryAsync(scenario.HostQuarantineDirectory)).ShouldBe(quarantineFiles);
        scenario.HostQuarantine!.Layers.Count.ShouldBe(1);
    }

    [Fact]
    public async Task PushLayer_AnotherDeviceAtRevokedEpoch_RefusedAndNothingKept()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, Token);
        var layer = await SealClientLayerAsync(pulled, 53);
        var revoked = await RevokeAndResumeOnServerAsync(scenario);
        var chainFiles = await HashChainDirectoryAsync(scenario);
        var stranger = new LayerPusher(scenario.Client(TransferDirection.Push, scenario.Ticket(TransferDirection.Push, revoked, deviceId: "laptop-2")), Path.Combine(scenario.ClientWorkDirectory, "stranger"));

        var failure = await Should.ThrowAsync<RpcException>(() => stranger.PushAsync(pulled, layer.Id, revoked, null, Token));

        TransferRejections.ReasonOf(failure).ShouldBe(TransferRejection.NotCheckedOut);
        scenario.HostQuarantine!.Layers.ShouldBeEmpty();
        (await HashChainDirectoryAsync(scenario)).ShouldBe(chainFiles);
    }

    [Fact]
    public async Task PushLayer_RevokedDeviceAtAnOlderEpoch_RefusedAndNothingKept()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, Token);
        var layer = await SealClientLayerAsync(pulled, 54);
        var revoked = await RevokeAndResumeOnServerAsync(scenario);
        var chainFiles = await HashChainDirectoryAsync(scenario);

        var failure = await Should.ThrowAsync<RpcException>(() => LatePusher(scenario, revoked - 1, "older").PushAsync(pulled, layer.Id, revoked - 1, null, Token));

        TransferRejections.ReasonOf(failure).ShouldBe(TransferRejection.NotCheckedOut);
        scenario.HostQuarantine!.Layers.ShouldBeEmpty();
        (await HashChainDirectoryAsync(scenario)).ShouldBe(chainFiles);
    }

    [Fact]
    public async Task PushLayer_LateTicketButHeaderOfTheCurrentEpoch_StaleEpoch()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, Token);
        var layer = await SealClientLayerAsync(pulled, 55);
        var revoked = await RevokeAndResumeOnServerAsync(scenario);

        var failure = await Should.ThrowAsync<RpcException>(() => LatePusher(scenario, revoked, "header").PushAsync(pulled, layer.Id, scenario.Epoch, null, Token));

        TransferRejections.ReasonOf(failure).ShouldBe(TransferRejection.StaleEpoch);
        scenario.HostQuarantine!.Layers.ShouldBeEmpty();
    }

    [Fact]
    public async Task PushLayer_LateLayerOverALayerTheChainLacks_WrongParentAndNothingKept()
    {
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: Token);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, Token);
        _ = await SealClientLayerAsync(pulled, 56);
        var onUnpushed = await SealClientLayerAsync(pulled, 57);
        var revoked = await RevokeAndResumeOnServerAsync(scenario);
        var chainFiles = await HashChainDirectoryAsync(scenario);

        var failure = await Should.ThrowAsync<RpcException>(() => LatePusher(scenario, revoked, "orphan").PushAsync(pulled, onUnpushed.Id, revoked, null, Token));

        failure.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        TransferRejections.ReasonOf(failure).ShouldBe(TransferRejection.WrongParent);
        scenario.HostQuarantine!.Layers.ShouldBeEmpty();
        Directory.GetFiles(scenario.HostQuarantineDirectory, "*.avhdx").ShouldBeEmpty();
        (await HashChainDirectoryAsync(scenario)).ShouldBe(chainFiles);
    }

    [Fact]
    public async Task PushLayer_LatePushCutMidStream_ResumeSendsOnlyWhatTheQuarantineLacks()
    {
        var faults = new ChunkFaults { AbortPushAfter = AbortAfter };
        await using var scenario = await TransferScenario.CreateAsync(faults, Token);
        await using var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, Token);
        await TransferScenario.WriteAsync(pulled, 2L * 1024 * 1024, 6 * 1024 * 1024, 58);
        var layer = await pulled.SealAsync(Token);
        var revoked = await RevokeAndResumeOnServerAsync(scenario);
        var chainFiles = await HashChainDirectoryAsync(scenario);
        var chunks = await ChunkCountOfAsync(pulled, layer);
        chunks.ShouldBeGreaterThan(AbortAfter + 1);
        await Should.ThrowAsync<RpcException>(() => LatePusher(scenario, revoked, "cut").PushAsync(pulled, layer.Id, revoked, null, Token));
        faults.ResetCount();

        var result = await LatePusher(scenario, revoked, "cut").PushAsync(pulled, layer.Id, revoked, null, Token);

        result.Quarantined.ShouldBeTrue();
        faults.Pushed.ShouldBe(chunks - AbortAfter);
        var kept = scenario.HostQuarantine!.Find(layer.Id).ShouldNotBeNull();
        (await ReadThroughParentsAsync(scenario.HostQuarantine.PathOf(kept))).ShouldBe(await TransferScenario.ReadSnapshotAsync(pulled, layer.Id));
        (await HashChainDirectoryAsync(scenario)).ShouldBe(chainFiles);
    }

    private static async Task<LayerRecord> SealClientLayerAsync(LayerStore pulled, byte seed)
    {
        await TransferScenario.WriteAsync(pulled, 3L * 1024 * 1024, 1024 * 1024, seed);
        return await pulled.SealAsync(Token);
    }

    /// <summary>Revokes, then lets the server copy run on: it writes and seals a layer of its own (with the id the device's layer has).</summary>
    private static async Task<ulong> RevokeAndResumeOnServerAsync(TransferScenario scenario)
    {
        var revoked = await scenario.RevokeAsync(Token);
        await TransferScenario.WriteAsync(scenario.HostLayers, 3L * 1024 * 1024, 512 * 1024, 99);
        _ = await scenario.HostLayers.SealAsync(Token);
        return revoked;
    }

    private static LayerPusher LatePusher(TransferScenario scenario, ulong epoch, string workName) =>
        new(scenario.Client(TransferDirection.Push, scenario.Ticket(TransferDirection.Push, epoch)), Path.Combine(scenario.ClientWorkDirectory, workName));

    private static async Task<int> ChunkCountOfAsync(LayerStore store, LayerRecord layer)
    {
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, store.PathOf(layer), VhdxOpenOptions.ReadOnlyDefault, Token);
        return (await LayerManifest.BuildAsync(file, ChunkHasher.Default, Token)).Chunks.Count;
    }

    /// <summary>Every file of the host's layer directory but its staging files (the chain, its manifest store) by SHA-256.</summary>
    private static async Task<Dictionary<string, string>> HashChainDirectoryAsync(TransferScenario scenario) =>
        (await HashDirectoryAsync(scenario.HostLayerDirectory))
            .Where(pair => !pair.Key.StartsWith(LayerStore.StagingPrefix, StringComparison.Ordinal))
            .ToDictionary();

    /// <summary>
    /// Every file of <paramref name="directory"/> by SHA-256, read by <c>sha256sum</c> (the stores
    /// in this process hold their files under an exclusive lock).
    /// </summary>
    private static async Task<Dictionary<string, string>> HashDirectoryAsync(string directory)
    {
        var result = await ExternalTool.RunAsync("sha256sum", [.. Directory.GetFiles(directory).Order(StringComparer.Ordinal)], Token);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result.StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split("  ", 2))
            .ToDictionary(parts => Path.GetFileName(parts[1]), parts => parts[0]);
    }

    /// <summary>The virtual content of the disk whose top is <paramref name="path"/>, its parents found by their locators.</summary>
    private static async Task<byte[]> ReadThroughParentsAsync(string path)
    {
        await using var disk = await VhdxDisk.OpenAsync(FileStorage.Instance, path, VhdxOpenOptions.ReadOnlyDefault, Token);
        var content = new byte[disk.Top.VirtualSize];
        await disk.ReadAsync(0, content, Token);
        return content;
    }
}
