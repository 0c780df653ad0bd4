namespace Broker.HostAgent.Tests.Desktops;

/// <summary>
/// The system clock moved forward by what a test <see cref="Advance"/>s: timers and delays run in
/// real time (QEMU's start and shutdown need them), while every timestamp the agent takes jumps.
/// </summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
