using System.Globalization;
using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.Disks.State;
using Broker.Transfer.Client;
using Broker.Transfer.Host;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Tests.Processes;

/// <summary>
/// kill -9 of the client or the host at random moments of a pull and of a push, both sides real
/// child processes (<c>Broker.Transfer.Tests.Worker</c>). The number of seeds comes from
/// <c>BROKER_TRANSFER_KILL_SEEDS</c> (default 2; <c>./build.sh soak transfer</c> runs many more).
/// </summary>
public sealed class TransferKillTests
{
    public static TheoryData<int> Seeds()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("BROKER_TRANSFER_KILL_SEEDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var fromEnvironment) ? fromEnvironment : 2;
        return [.. Enumerable.Range(1, count)];
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Pull_ClientOrHostKilledAtRandomMoments_ResumesToAnEqualChainWithCleanStaging(int seed)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: cancellationToken);
        await scenario.ReleaseHostAsync();
        var campaign = new KillCampaign(scenario, seed);

        await campaign.RunAsync("pull", [.. KillCampaign.ClientArguments(scenario, TransferDirection.Pull), $"bases={scenario.ClientWorkDirectory}-images"], cancellationToken);

        TestContext.Current.SendDiagnosticMessage($"seed {seed}: {campaign.Kills.Client} client kills, {campaign.Kills.Host} host kills");
        await scenario.ReopenHostLayersAsync(cancellationToken);
        await using var pulled = await LayerStore.OpenAsync(FileStorage.Instance, scenario.ClientLayerDirectory, null, cancellationToken);
        await ShouldEqualHostChainAsync(scenario, pulled);
        Directory.GetFiles(scenario.ClientLayerDirectory, LayerStore.StagingPrefix + "*").ShouldBeEmpty();
        Directory.GetFiles(scenario.ClientWorkDirectory, "base-*").ShouldBeEmpty();
        await using var ledger = await TwinCopyStore.OpenJsonAsync(FileStorage.Instance, Path.Combine(scenario.ClientWorkDirectory, "pulls"), PullLedgerJsonContext.Default.PullLedger, cancellationToken);
        (ledger.Read()?.Entries ?? []).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Push_ClientOrHostKilledAtRandomMoments_CompletesAndNoAckedLayerIsEverMissing(int seed)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var scenario = await TransferScenario.CreateAsync(cancellationToken: cancellationToken);
        long layerId;
        await using (var pulled = await scenario.Puller().PullAsync(scenario.ClientLayerDirectory, null, cancellationToken))
        {
            await TransferScenario.WriteAsync(pulled, 2L * 1024 * 1024, 6 * 1024 * 1024, (byte)seed);
            layerId = (await pulled.SealAsync(cancellationToken)).Id;
        }

        await scenario.ReleaseHostAsync();
        var campaign = new KillCampaign(scenario, seed)
        {
            AfterHostKill = async () =>
            {
                if (await IsAcknowledgedAsync(scenario, layerId, cancellationToken))
                {
                    await scenario.ReopenHostLayersAsync(cancellationToken);
                    scenario.HostLayers.Manifest.Find(layerId).ShouldNotBeNull("the client holds an ack of a layer the host lost");
                    await scenario.ReleaseHostAsync();
                }
            },
        };

        await campaign.RunAsync("push", [.. KillCampaign.ClientArguments(scenario, TransferDirection.Push), $"layer={layerId.ToString(CultureInfo.InvariantCulture)}", $"epoch={scenario.Epoch.ToString(CultureInfo.InvariantCulture)}"], cancellationToken);

        TestContext.Current.SendDiagnosticMessage($"seed {seed}: {campaign.Kills.Client} client kills, {campaign.Kills.Host} host kills");
        (await IsAcknowledgedAsync(scenario, layerId, cancellationToken)).ShouldBeTrue();
        await scenario.ReopenHostLayersAsync(cancellationToken);
        await using var client = await LayerStore.OpenAsync(FileStorage.Instance, scenario.ClientLayerDirectory, null, cancellationToken);
        await ShouldEqualHostChainAsync(scenario, client);
        Directory.GetFiles(scenario.HostLayerDirectory, LayerStore.StagingPrefix + "push-*").ShouldBeEmpty();
        await using var ledger = await TwinCopyStore.OpenJsonAsync(FileStorage.Instance, Path.Combine(scenario.HostLayerDirectory, LayerStore.StagingPrefix + "pushes"), PushLedgerJsonContext.Default.PushLedger, cancellationToken);
        (ledger.Read()?.Pushes ?? []).ShouldBeEmpty();
    }

    private static async Task<bool> IsAcknowledgedAsync(TransferScenario scenario, long layerId, CancellationToken cancellationToken)
    {
        await using var acks = await TwinCopyStore.OpenJsonAsync(FileStorage.Instance, Path.Combine(scenario.ClientWorkDirectory, "acks"), AckLedgerJsonContext.Default.AckLedger, cancellationToken);
        return acks.Read()?.Acked.Contains(AckLedger.Key(TransferScenario.DesktopId, layerId)) == true;
    }

    private static async Task ShouldEqualHostChainAsync(TransferScenario scenario, LayerStore client)
    {
        var hostChain = scenario.HostLayers.Manifest.CurrentChain();
        client.Manifest.CurrentChain().Select(layer => (layer.Id, layer.ParentId, layer.ContentSha256)).ShouldBe(hostChain.Select(layer => (layer.Id, layer.ParentId, layer.ContentSha256)));
        foreach (var layer in hostChain)
        {
            (await TransferScenario.ReadSnapshotAsync(client, layer.Id)).ShouldBe(await TransferScenario.ReadSnapshotAsync(scenario.HostLayers, layer.Id));
        }
    }
}
