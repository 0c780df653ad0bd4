using Broker.Contracts.V1;
using MeasuredProgress = Broker.Transfer.Client.TransferProgress;

namespace Broker.ClientAgent.Brokers;

/// <summary>
/// The progress sink of one pull or push: hands every measurement to the local status at once and
/// tells the broker (TRANSFER_PROGRESS) at most once per <see cref="Interval"/>, then once more with
/// done = total when <see cref="Complete"/> is called. Reports go only to an open session
/// (<see cref="ReportOutbox.SendIfConnected"/>): stale progress is worth nothing after a reconnect,
/// and the transfer never waits for the broker. Thread-safe (chunk workers report concurrently).
/// </summary>
/// <param name="outbox">Where reports go.</param>
/// <param name="desktopId">The desktop transferred.</param>
/// <param name="epoch">The epoch the transfer acts at.</param>
/// <param name="direction">Pull or push.</param>
/// <param name="local">Receives every measurement (the agent's own status).</param>
/// <param name="time">The clock that spaces reports.</param>
internal sealed class TransferProgressReporter(
    ReportOutbox outbox,
    string desktopId,
    ulong epoch,
    TransferDirection direction,
    Action<MeasuredProgress> local,
    TimeProvider time) : IProgress<MeasuredProgress>
{
    /// <summary>The shortest time between two reports to the broker.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Guards the latest measurement and the time of the last report.</summary>
    private readonly Lock _gate = new();
    private MeasuredProgress? _latest;
    private long? _lastSentAt;

    public void Report(MeasuredProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            local(value);
            _latest = value;
            (direction == TransferDirection.Pull ? ClientCrashPoints.PullProgressed : ClientCrashPoints.PushProgressed).Hit();
            if (_lastSentAt is { } sent && time.GetElapsedTime(sent) < Interval)
            {
                return;
            }

            _lastSentAt = time.GetTimestamp();
            Send(value.BytesDone, value.BytesTotal, value.BytesPerSecond);
        }
    }

    /// <summary>The transfer finished: reports done = total of the last measurement, whatever the spacing. Nothing when nothing was measured.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_latest is { } last)
            {
                _lastSentAt = time.GetTimestamp();
                Send(last.BytesTotal, last.BytesTotal, last.BytesPerSecond);
            }
        }
    }

    /// <summary>Sends one report; called under the gate so reports leave in the order measured.</summary>
    private void Send(long done, long total, double rate) =>
        outbox.SendIfConnected(new DesktopReport
        {
            DesktopId = desktopId,
            Epoch = epoch,
            Kind = DesktopReportKind.TransferProgress,
            Progress = new TransferProgress
            {
                Direction = direction,
                DoneBytes = (ulong)Math.Max(done, 0),
                TotalBytes = (ulong)Math.Max(total, 0),
                RateBytesPerSecond = (ulong)Math.Max(rate, 0),
            },
        });
}
