using System.Threading.Channels;
using Broker.Contracts.V1;
using Broker.Core.Reconciliation;

namespace Broker.Server.Agents;

/// <summary>
/// One agent's open Connect stream: the messages waiting to be written to it and what the agent
/// last reported. Everything the broker sends goes through <see cref="TrySend"/> or
/// <see cref="TrySendOnce"/>, so one writer task owns the response stream.
/// </summary>
internal sealed class AgentSession(AgentIdentity agent) : IDisposable
{
    /// <summary>Messages queued beyond this are dropped: commands are re-derived every reconcile round.</summary>
    private const int OutboxCapacity = 1024;

    private readonly Channel<BrokerMessage> _outbox = Channel.CreateBounded<BrokerMessage>(
        new BoundedChannelOptions(OutboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly CancellationTokenSource _ended = new();

    /// <summary>Once-per-epoch orders sent since the agent's last heartbeat (see <see cref="TrySendOnce"/>).</summary>
    private readonly HashSet<(AgentCommandKind Kind, string Desktop, ulong Epoch)> _inFlight = [];

    /// <summary>Starts and stops sent and not yet answered, by command id (see <see cref="TrySend"/>).</summary>
    private readonly Dictionary<string, PowerOrder> _powerOrders = new(StringComparer.Ordinal);

    public AgentIdentity Agent { get; } = agent;

    /// <summary>Cancelled when the stream ends or a newer stream of the same agent replaces this one.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>The host agent's newest heartbeat, if any (<see cref="Observe(Core.Reconciliation.HostReport)"/>).</summary>
    public HostReport? HostReport { get; private set; }

    /// <summary>The client agent's newest heartbeat, if any (<see cref="Observe(Core.Reconciliation.DeviceReport)"/>).</summary>
    public DeviceReport? DeviceReport { get; private set; }

    /// <summary>What is waiting to be written to the stream.</summary>
    public ChannelReader<BrokerMessage> Outbox => _outbox.Reader;

    /// <summary>
    /// Queues <paramref name="message"/>; false once the session ended or its queue is full. A start
    /// or stop is remembered until the agent answers it (<see cref="Answered"/>), and the same order
    /// (kind, desktop, epoch) is not queued again meanwhile: the reconcile loop re-derives it from
    /// heartbeats that may predate it, and a guest that boots and powers off between two heartbeats
    /// must not be started twice.
    /// </summary>
    public bool TrySend(BrokerMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Command is not { Kind: AgentCommandKind.StartDesktop or AgentCommandKind.StopDesktop } command)
        {
            return _outbox.Writer.TryWrite(message);
        }

        var order = new PowerOrder(command.Kind == AgentCommandKind.StartDesktop, command.DesktopId, command.Epoch);
        lock (_powerOrders)
        {
            if (_powerOrders.ContainsValue(order))
            {
                return true;
            }

            if (!_outbox.Writer.TryWrite(message))
            {
                return false;
            }

            _powerOrders[command.CommandId] = order;
            return true;
        }
    }

    /// <summary>The start or stop that <paramref name="commandId"/> named, now answered; null for any other command.</summary>
    public PowerOrder? Answered(string commandId)
    {
        lock (_powerOrders)
        {
            return _powerOrders.Remove(commandId, out var order) ? order : null;
        }
    }

    /// <summary>
    /// Queues an order the state machine issues once per epoch (a grant, a reset, a restore), unless
    /// the same kind for the same desktop and epoch went out since the agent's last heartbeat: a
    /// transition sends it and the reconcile loop would send it again from the heartbeat that
    /// predates it. A heartbeat that still shows the order missing lets it go out again.
    /// </summary>
    public bool TrySendOnce(AgentCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_inFlight)
        {
            return _inFlight.Add((command.Kind, command.DesktopId, command.Epoch)) && TrySend(new BrokerMessage { Command = command });
        }
    }

    /// <summary>Records the host agent's newest heartbeat; orders sent before it may be sent again.</summary>
    public void Observe(HostReport report)
    {
        HostReport = report;
        ClearInFlight();
    }

    /// <summary>Records the client agent's newest heartbeat; orders sent before it may be sent again.</summary>
    public void Observe(DeviceReport report)
    {
        DeviceReport = report;
        ClearInFlight();
    }

    /// <summary>Ends the session: its writer stops and its reader sees <see cref="Ended"/>.</summary>
    public void End()
    {
        _outbox.Writer.TryComplete();
        _ended.Cancel();
    }

    public void Dispose() => _ended.Dispose();

    private void ClearInFlight()
    {
        lock (_inFlight)
        {
            _inFlight.Clear();
        }
    }
}

/// <summary>A start (<paramref name="Start"/>) or stop of desktop <paramref name="Desktop"/> at <paramref name="Epoch"/>, as sent on the wire.</summary>
internal sealed record PowerOrder(bool Start, string Desktop, ulong Epoch);
