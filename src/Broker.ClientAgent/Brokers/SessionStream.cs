using System.Threading.Channels;
using Broker.Contracts.V1;

namespace Broker.ClientAgent.Brokers;

/// <summary>
/// The outgoing side of one device session: numbers every message, keeps the reports sent until
/// their ack settles them, and hands back the unsettled ones when the stream ends. Thread-safe.
/// </summary>
internal sealed class SessionStream
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, PendingReport> _inFlight = [];
    private ulong _sequence;

    /// <summary>The messages to write, in sequence order.</summary>
    public Channel<AgentMessage> Outgoing { get; } = Channel.CreateUnbounded<AgentMessage>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Numbers and queues <paramref name="message"/>.</summary>
    public void Send(AgentMessage message)
    {
        lock (_gate)
        {
            message.Sequence = ++_sequence;
            _ = Outgoing.Writer.TryWrite(message);
        }
    }

    /// <summary>Numbers and queues a report, kept until its ack arrives.</summary>
    public void Send(PendingReport pending)
    {
        lock (_gate)
        {
            var message = new AgentMessage { Sequence = ++_sequence, DesktopReport = pending.Report };
            _inFlight[message.Sequence] = pending;
            _ = Outgoing.Writer.TryWrite(message);
        }
    }

    /// <summary>Settles the report <paramref name="ack"/> answers; returns it, or null when the ack answers another message.</summary>
    public DesktopReport? Settle(Ack ack)
    {
        PendingReport? pending;
        lock (_gate)
        {
            _ = _inFlight.Remove(ack.Sequence, out pending);
        }

        _ = pending?.Acked.TrySetResult(ack);
        return pending?.Report;
    }

    /// <summary>The reports still waiting for an ack, oldest first; the stream forgets them.</summary>
    public IReadOnlyList<PendingReport> TakeUnacked()
    {
        lock (_gate)
        {
            var unacked = _inFlight.OrderBy(pair => pair.Key).Select(pair => pair.Value).ToList();
            _inFlight.Clear();
            return unacked;
        }
    }
}
