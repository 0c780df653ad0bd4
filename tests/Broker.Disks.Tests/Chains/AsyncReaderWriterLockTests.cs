using Broker.Disks.Chains;

namespace Broker.Disks.Tests.Chains;

public sealed class AsyncReaderWriterLockTests
{
    [Fact]
    public void EnterSharedAsync_WhileSharedIsHeld_EntersAtOnce()
    {
        var gate = new AsyncReaderWriterLock();

        gate.EnterSharedAsync().AsTask().IsCompleted.ShouldBeTrue();
        gate.EnterSharedAsync().AsTask().IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public async Task EnterExclusiveAsync_WhileSharedIsHeld_WaitsForTheLastSharedHolder()
    {
        var gate = new AsyncReaderWriterLock();
        await gate.EnterSharedAsync();
        await gate.EnterSharedAsync();

        var exclusive = gate.EnterExclusiveAsync().AsTask();
        gate.ExitShared();
        exclusive.IsCompleted.ShouldBeFalse();
        gate.ExitShared();

        await exclusive;
    }

    [Fact]
    public async Task EnterSharedAsync_WhileExclusiveWaits_QueuesBehindItAndGoesRightAfterIt()
    {
        var gate = new AsyncReaderWriterLock();
        await gate.EnterSharedAsync();
        var exclusive = gate.EnterExclusiveAsync().AsTask();

        var shared = gate.EnterSharedAsync().AsTask();
        var secondExclusive = gate.EnterExclusiveAsync().AsTask();
        shared.IsCompleted.ShouldBeFalse();

        gate.ExitShared();
        await exclusive;
        shared.IsCompleted.ShouldBeFalse();

        gate.ExitExclusive();
        await shared;
        secondExclusive.IsCompleted.ShouldBeFalse();

        gate.ExitShared();
        await secondExclusive;
    }

    [Fact]
    public async Task EnterExclusiveAsync_WhileExclusiveIsHeld_WaitsForIt()
    {
        var gate = new AsyncReaderWriterLock();
        await gate.EnterExclusiveAsync();

        var next = gate.EnterExclusiveAsync().AsTask();
        next.IsCompleted.ShouldBeFalse();
        gate.ExitExclusive();

        await next;
    }
}
