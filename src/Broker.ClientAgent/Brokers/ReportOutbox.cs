using System.Threading.Channels;
using Broker.Contracts.V1;

namespace Broker.ClientAgent.Brokers;

/// <summary>
/// Desktop reports on their way to the broker over the device session, each settled by the broker's
/// <see cref="Ack"/>. Reports wait here while the broker is unreachable; one the stream lost before
/// its ack comes back (<see cref="Requeue"/>) and is sent again on the next connection. Reports only
/// worth something now (transfer progress) go out by <see cref="SendIfConnected"/> instead.
/// </summary>
internal sealed class ReportOutbox
{
    private readonly Channel<PendingReport> _queue = Channel.CreateUnbounded<PendingReport>(new UnboundedChannelOptions { SingleReader = true });
    private SessionStream? _connected;

    /// <summary>The reports to send, for the session.</summary>
    public ChannelReader<PendingReport> Reader => _queue.Reader;

    /// <summary>Queues <paramref name="report"/>; completes with the broker's ack, however many connections that takes.</summary>
    public Task<Ack> SendAsync(DesktopReport report, CancellationToken cancellationToken)
    {
        var pending = new PendingReport(report);
        _ = _queue.Writer.TryWrite(pending);
        return pending.Acked.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Puts back a report sent on a stream that ended before the broker acked it.</summary>
    public void Requeue(PendingReport pending) => _queue.Writer.TryWrite(pending);

    /// <summary>
    /// Sends <paramref name="report"/> on the session's stream if one is open, else drops it: never
    /// queued, never sent again, its ack not awaited. Does not block.
    /// </summary>
    public void SendIfConnected(DesktopReport report) =>
        Volatile.Read(ref _connected)?.Send(new AgentMessage { DesktopReport = report });

    /// <summary>Routes <see cref="SendIfConnected"/> to <paramref name="stream"/> until the returned handle is disposed.</summary>
    public IDisposable Connect(SessionStream stream)
    {
        Volatile.Write(ref _connected, stream);
        return new Disconnect(this, stream);
    }

    private sealed class Disconnect(ReportOutbox outbox, SessionStream stream) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref outbox._connected, null, stream);
    }
}

/// <summary>A report and the ack that settles it.</summary>
internal sealed class PendingReport(DesktopReport report)
{
    public DesktopReport Report { get; } = report;

    public TaskCompletionSource<Ack> Acked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
