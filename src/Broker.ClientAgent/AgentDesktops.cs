using Broker.ClientAgent.Brokers;
using Broker.ClientAgent.Desktops;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Broker.ClientAgent;

/// <summary>
/// Opens the <see cref="DesktopManager"/> when the agent starts (before the local API serves) and
/// disposes it when the agent stops: VMs keep their state on disk, pulls resume on the next start.
/// </summary>
internal sealed class AgentDesktops(IBrokerLink broker, ReportOutbox outbox, IOptions<ClientAgentOptions> options, TimeProvider time) : IHostedService
{
    private DesktopManager? _manager;

    /// <summary>The manager; only after the agent has started.</summary>
    public DesktopManager Manager => _manager ?? throw new InvalidOperationException("The client agent has not started.");

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _manager = await DesktopManager.OpenAsync(broker, outbox, options.Value, time, cancellationToken).ConfigureAwait(false);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_manager is { } manager)
        {
            _manager = null;
            await manager.DisposeAsync().ConfigureAwait(false);
        }
    }
}
