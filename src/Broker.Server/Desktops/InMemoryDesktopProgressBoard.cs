using System.Collections.Concurrent;
using Broker.Core.Desktops;

namespace Broker.Server.Desktops;

/// <summary>
/// <see cref="IDesktopProgressBoard"/> in this process's memory: an entry lapses
/// <see cref="Lifetime"/> after its report, so a device that stopped reporting stops showing
/// progress. With several broker instances the portal may ask an instance that did not receive the
/// device's reports (they go to whichever instance holds the device's stream) and show none; a
/// holder shared through the database is the follow-up for scale-out.
/// </summary>
internal sealed class InMemoryDesktopProgressBoard(TimeProvider time) : IDesktopProgressBoard
{
    /// <summary>How long a report stays shown without a newer one (devices report about once a second).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<DesktopId, DeviceTransferProgress> _latest = new();
    private long _nextSweep;

    public void Record(DesktopId desktop, DeviceTransferProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        _latest[desktop] = progress;
        SweepNowAndThen();
    }

    public DeviceTransferProgress? Latest(DesktopId desktop) =>
        _latest.TryGetValue(desktop, out var progress) && !Lapsed(progress) ? progress : null;

    private bool Lapsed(DeviceTransferProgress progress) => time.GetUtcNow() - progress.ReportedAt >= Lifetime;

    /// <summary>Drops lapsed entries at most once per <see cref="Lifetime"/>, so desktops that stopped reporting do not pile up.</summary>
    private void SweepNowAndThen()
    {
        var now = time.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + Lifetime.Ticks, due) != due)
        {
            return;
        }

        foreach (var (desktop, progress) in _latest)
        {
            if (Lapsed(progress))
            {
                _ = _latest.TryRemove(new KeyValuePair<DesktopId, DeviceTransferProgress>(desktop, progress));
            }
        }
    }
}
