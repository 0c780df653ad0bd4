using Broker.Contracts.V1;
using Broker.Disks.Layers;

namespace Broker.HostAgent.Desktops;

/// <summary>
/// A desktop's snapshot schedule as the broker last sent it (its pool's retention, design §9): seal
/// the running desktop every <paramref name="Interval"/>, keep what <see cref="Retention"/> says.
/// </summary>
/// <param name="Hourly">Hours whose newest snapshot is kept.</param>
/// <param name="Daily">Days whose newest snapshot is kept.</param>
/// <param name="Weekly">Weeks whose newest snapshot is kept.</param>
/// <param name="Interval">How often to seal while the desktop runs.</param>
internal sealed record SnapshotSchedule(int Hourly, int Daily, int Weekly, TimeSpan Interval)
{
    /// <summary>The interval when the broker names none.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);

    /// <summary>The shortest interval honoured; a shorter one is raised to it.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(1);

    /// <summary>Which sealed layers to keep.</summary>
    public LayerRetention Retention => new(Hourly, Daily, Weekly);

    /// <summary>The schedule a command carries; null when it carries none (the desktop keeps the one it has).</summary>
    public static SnapshotSchedule? From(SnapshotRetention? wire)
    {
        if (wire is null)
        {
            return null;
        }

        var interval = wire.Interval is { } duration ? duration.ToTimeSpan() : DefaultInterval;
        return new SnapshotSchedule(
            Count(wire.Hourly),
            Count(wire.Daily),
            Count(wire.Weekly),
            interval < MinInterval ? MinInterval : interval);
    }

    private static int Count(uint value) => (int)Math.Min(value, int.MaxValue);
}
