using Broker.ClientAgent.Brokers;
using Broker.Contracts.V1;
using Microsoft.Extensions.Time.Testing;
using MeasuredProgress = Broker.Transfer.Client.TransferProgress;

namespace Broker.ClientAgent.Tests.Brokers;

/// <summary>TRANSFER_PROGRESS leaves at most once a second, ends with done = total, and only on an open session.</summary>
public sealed class TransferProgressReporterTests
{
    private const string DesktopId = "5d0c3b8e-6f21-4b8a-9a4e-2f1f0b7d3c11";

    private readonly FakeTimeProvider _time = new();
    private readonly ReportOutbox _outbox = new();
    private readonly List<MeasuredProgress> _local = [];

    [Fact]
    public void Report_WithinTheInterval_IsShownLocallyButNotSent_AndCompleteSendsDoneEqualsTotal()
    {
        var stream = new SessionStream();
        using var connected = _outbox.Connect(stream);
        var reporter = Reporter(TransferDirection.Pull);

        reporter.Report(Measured(10, 100));
        reporter.Report(Measured(20, 100));
        _time.Advance(TransferProgressReporter.Interval - TimeSpan.FromMilliseconds(1));
        reporter.Report(Measured(30, 100));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        reporter.Report(Measured(40, 100));
        reporter.Complete();

        _local.Select(progress => progress.BytesDone).ShouldBe([10L, 20, 30, 40]);
        var sent = Sent(stream);
        sent.Select(report => (report.Progress.DoneBytes, report.Progress.TotalBytes)).ShouldBe([(10UL, 100UL), (40UL, 100UL), (100UL, 100UL)]);
        sent.ShouldAllBe(report => report.Kind == DesktopReportKind.TransferProgress && report.DesktopId == DesktopId && report.Epoch == 7 && report.Progress.Direction == TransferDirection.Pull);
    }

    [Fact]
    public void Report_WhileNoSessionIsOpen_IsDropped_NeitherQueuedNorSentOnTheNextConnection()
    {
        var reporter = Reporter(TransferDirection.Push);

        reporter.Report(Measured(10, 100));
        reporter.Complete();
        var stream = new SessionStream();
        using var connected = _outbox.Connect(stream);

        Sent(stream).ShouldBeEmpty();
        _outbox.Reader.TryRead(out _).ShouldBeFalse();
        _local.ShouldHaveSingleItem();
    }

    [Fact]
    public void Report_AfterTheSessionEnded_DoesNotReachItsStream()
    {
        var reporter = Reporter(TransferDirection.Push);
        var ended = new SessionStream();
        _outbox.Connect(ended).Dispose();

        reporter.Report(Measured(10, 100));

        Sent(ended).ShouldBeEmpty();
    }

    [Fact]
    public void Complete_WithNothingMeasured_SendsNothing()
    {
        var stream = new SessionStream();
        using var connected = _outbox.Connect(stream);

        Reporter(TransferDirection.Pull).Complete();

        Sent(stream).ShouldBeEmpty();
    }

    private TransferProgressReporter Reporter(TransferDirection direction) =>
        new(_outbox, DesktopId, 7, direction, _local.Add, _time);

    private static MeasuredProgress Measured(long done, long total) => new(done, total, 1024, null);

    private static List<DesktopReport> Sent(SessionStream stream)
    {
        var sent = new List<DesktopReport>();
        while (stream.Outgoing.Reader.TryRead(out var message))
        {
            sent.Add(message.DesktopReport);
        }

        return sent;
    }
}
