namespace Broker.HostAgent.Tests.Integration;

/// <summary>The real <c>broker-host</c> tells the real broker where its <c>DiskTransfer</c> endpoint listens.</summary>
public sealed class TransferAddressTests
{
    [Fact]
    public async Task The_host_reports_its_loopback_transfer_address_with_the_bound_port_and_the_broker_stores_it()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await HostAgentWorld.CreateAsync(cancellationToken);

        var port = world.TransferPort;
        await HostAgentWorld.WaitUntilAsync(async () => (await world.HostAsync(cancellationToken)).TransferAddress is not null, "the broker stored an address", cancellationToken);

        port.ShouldBeGreaterThan(0);
        (await world.HostAsync(cancellationToken)).TransferAddress.ShouldBe($"http://127.0.0.1:{port}");
    }
}
