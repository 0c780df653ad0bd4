namespace Broker.EndToEnd.Tests.Kills;

/// <summary>
/// One kill of a seed's cycle: daemon <see cref="Daemon"/> dies during <see cref="Phase"/>, either
/// by SIGKILL from the harness <see cref="Delay"/> after the phase's command was given, or by itself
/// at the named <see cref="CrashPoint"/> (armed by a restart just before the command).
/// </summary>
internal sealed record PlannedKill(CyclePhase Phase, string Daemon, string? CrashPoint, TimeSpan Delay)
{
    public override string ToString() =>
        CrashPoint is { } point
            ? $"{Phase}: {Daemon} at crash point {point}"
            : $"{Phase}: SIGKILL to {Daemon} {Delay.TotalMilliseconds:0} ms after the command";
}
