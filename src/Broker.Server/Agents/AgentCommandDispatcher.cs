using Broker.Contracts.V1;
using Broker.Core.Desktops.Commands;
using CoreCommand = Broker.Core.Desktops.Commands.AgentCommand;

namespace Broker.Server.Agents;

/// <summary>
/// Sends commands to the agents they are for, if they are connected to this instance. Delivery is
/// best effort by design: the reconcile loop derives the orders again from the stored desired
/// state, so a command lost here is sent again the next round.
/// </summary>
internal sealed class AgentCommandDispatcher(AgentSessions sessions, LeaseSigner leases)
{
    /// <summary>Queues each command on its agent's stream.</summary>
    public void Dispatch(IEnumerable<CoreCommand> commands)
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
            sessions.TrySend(agent, new BrokerMessage { Command = AgentCommandMessages.From(command, leases) });
        }
    }
}
