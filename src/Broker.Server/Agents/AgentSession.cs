using System.Threading.Channels;
using Broker.Contracts.V1;
using Broker.Core.Reconciliation;

namespace Broker.Server.Agents;

/// <summary>
/// One agent's open Connect stream: the messages waiting to be written to it and what the agent
/// last reported. Everything the broker sends goes through <see cref="TrySend"/>, so one writer
/// task owns the response stream.
/// </summary>
internal sealed class AgentSession(AgentIdentity agent) : IDisposable
{
    /// <summary>Messages queued beyond this are dropped: commands are re-derived every reconcile round.</summary>
    private const int OutboxCapacity = 1024;

    private readonly Channel<BrokerMessage> _outbox = Channel.CreateBounded<BrokerMessage>(
        new BoundedChannelOptions(OutboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly CancellationTokenSource _ended = new();

    public AgentIdentity Agent { get; } = agent;

    /// <summary>Cancelled when the stream ends or a newer stream of the same agent replaces this one.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>The host agent's newest heartbeat, if any.</summary>
    public HostReport? HostReport { get; set; }

    /// <summary>The client agent's newest heartbeat, if any.</summary>
    public DeviceReport? DeviceReport { get; set; }

    /// <summary>What is waiting to be written to the stream.</summary>
    public ChannelReader<BrokerMessage> Outbox => _outbox.Reader;

    /// <summary>Queues <paramref name="message"/>; false once the session ended or its queue is full.</summary>
    public bool TrySend(BrokerMessage message) => _outbox.Writer.TryWrite(message);

    /// <summary>Ends the session: its writer stops and its reader sees <see cref="Ended"/>.</summary>
    public void End()
    {
        _outbox.Writer.TryComplete();
        _ended.Cancel();
    }

    public void Dispose() => _ended.Dispose();
}
