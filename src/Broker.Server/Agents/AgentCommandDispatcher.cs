using System.Collections.Concurrent;
using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Commands;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Pools;
using CoreCommand = Broker.Core.Desktops.Commands.AgentCommand;

namespace Broker.Server.Agents;

/// <summary>
/// Sends commands to the agents they are for: on the agent's stream when this instance holds it,
/// else through <see cref="AgentCommandRelay"/> to the instance that does. Delivery is
/// best effort by design: the reconcile loop derives the orders again from the stored desired
/// state, so a command lost here is sent again the next round. The orders the state machine issues
/// once per epoch (<see cref="IsOncePerEpoch"/>) go out once until the agent's next heartbeat, so a
/// transition's order and the reconcile round after it never both reach the agent.
/// </summary>
internal sealed class AgentCommandDispatcher(AgentSessions sessions, AgentCommandRelay elsewhere, LeaseSigner leases, IServiceScopeFactory scopes)
{
    /// <summary>The base addresses of images looked up so far (an image is immutable once registered).</summary>
    private readonly ConcurrentDictionary<ImageId, string> _bases = new();

    /// <summary>
    /// Queues each command on its agent's stream. A START_PULL also names where the source host's
    /// DiskTransfer service listens, as the host last reported it (read from the store, so a host
    /// connected to another broker instance counts too); a PROVISION_DESKTOP or RESET_TO_IMAGE
    /// names the image's base address when it is known (a host may hold the base under no image id);
    /// a lease carries its pool's sync terms.
    /// A command for an agent connected elsewhere goes through the relay unless
    /// <paramref name="relay"/> is false: a reconcile round's orders are for this instance's agents
    /// (every instance runs its own rounds).
    /// </summary>
    public async Task DispatchAsync(IEnumerable<CoreCommand> commands, CancellationToken cancellationToken, bool relay = true)
    {
        ArgumentNullException.ThrowIfNull(commands);
        foreach (var command in commands)
        {
            var agent = command switch
            {
                HostCommand host => new AgentIdentity(Core.Access.AgentKind.Host, host.Host.Value),
                DeviceCommand device => new AgentIdentity(Core.Access.AgentKind.Device, device.Device.Value),
                _ => throw new ArgumentException($"{command.GetType().Name} names no agent.", nameof(commands)),
            };
            var open = sessions.IsOpen(agent);
            if (!open && !relay)
            {
                continue;
            }

            var message = AgentCommandMessages.From(command, command is GrantLease or RenewLease ? await LeasesForAsync(command.Desktop, cancellationToken) : leases);
            if (command is StartPull pull)
            {
                message.HostTransferAddress = await TransferAddressAsync(pull.Source, cancellationToken) ?? string.Empty;
            }
            else if (command switch { ProvisionDesktop provision => provision.Image, ResetToImage reset => reset.Image, _ => (ImageId?)null } is { } built)
            {
                message.ContentAddress = await BaseAddressAsync(built, cancellationToken) ?? string.Empty;
            }

            if (!open)
            {
                await elsewhere.PublishAsync(agent, message, IsOncePerEpoch(command), cancellationToken);
            }
            else
            {
                _ = IsOncePerEpoch(command) ? sessions.TrySendOnce(agent, message) : sessions.TrySend(agent, new BrokerMessage { Command = message });
            }
        }
    }

    /// <summary>
    /// Orders whose kind, desktop and epoch name exactly one order: each is issued by one transition
    /// that also moves the epoch on. Others (start, stop, lock, pull…) may recur within an epoch.
    /// </summary>
    private static bool IsOncePerEpoch(CoreCommand command) =>
        command is GrantLease or AcceptDevicePushes or ResetToImage or RollBackToSnapshot;

    /// <summary>The lease signer for <paramref name="desktop"/>'s pool, so its leases carry the pool's sync terms; the plain one when the desktop or pool is gone.</summary>
    private async Task<LeaseSigner> LeasesForAsync(DesktopId desktop, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var found = await scope.ServiceProvider.GetRequiredService<IDesktopStore>().FindAsync(desktop, cancellationToken);
        var pool = found is null ? null : await scope.ServiceProvider.GetRequiredService<IPoolStore>().FindAsync(found.Pool, cancellationToken);
        return pool is null ? leases : leases.For(pool.Offline);
    }

    /// <summary>Image <paramref name="image"/>'s base address, or null while it is not registered (an upload no host imported yet).</summary>
    private async Task<string?> BaseAddressAsync(ImageId image, CancellationToken cancellationToken)
    {
        if (_bases.TryGetValue(image, out var known))
        {
            return known;
        }

        await using var scope = scopes.CreateAsyncScope();
        if (await scope.ServiceProvider.GetRequiredService<IImageStore>().FindAsync(image, cancellationToken) is not { } registered)
        {
            return null;
        }

        return _bases.GetOrAdd(image, registered.Base.Value);
    }

    private async Task<string?> TransferAddressAsync(HostId host, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IHostStore>().FindAsync(host, cancellationToken))?.TransferAddress;
    }
}
