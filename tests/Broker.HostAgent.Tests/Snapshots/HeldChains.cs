using Broker.Disks.Layers;
using Broker.Transfer.Host;

namespace Broker.HostAgent.Tests.Snapshots;

/// <summary>The desktops a test host holds: real layer stores by desktop id.</summary>
internal sealed class HeldChains(IReadOnlyDictionary<string, LayerStore> chains) : IDesktopRegistry
{
    public TransferDesktop? Find(string desktopId) =>
        chains.TryGetValue(desktopId, out var layers) ? new TransferDesktop(desktopId, layers, Epoch: 1, DeviceId: null) : null;

    public string? FindBase(string contentAddress) => null;

    public Task WithSettledAuthorityAsync(string desktopId, Func<TransferDesktop?, Task> action, CancellationToken cancellationToken) => action(Find(desktopId));
}
