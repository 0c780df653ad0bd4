namespace Broker.Disks.Layers;

/// <summary>
/// Decides which sealed layers of a chain survive a <see cref="LayerRetention"/> and how the others
/// are merged away. Pure: no I/O, no clock.
/// </summary>
/// <remarks>
/// Kept: the newest layer of each retained hour, day and week (by <see cref="LayerRecord.SealedAt"/>;
/// a layer sealed after <c>now</c> too), the newest sealed layer, and every pinned layer. A pinned
/// layer is one whose file something outside the chain depends on (a quarantined layer's parent,
/// the base a device holds): a merge rewrites every file above its range, so nothing at or below
/// the highest pinned layer is merged at all. Each run of adjacent layers that are not kept is
/// folded into the kept layer above it, whose content (the snapshot it is) does not change.
/// </remarks>
public static class LayerRetentionPlanner
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    /// <summary>
    /// The merges that apply <paramref name="retention"/> to <paramref name="chain"/> (sealed layers,
    /// base side first, as <see cref="ChainManifest.CurrentChain"/> lists them), newest first: in
    /// that order each merge leaves the ids of the ones after it in place.
    /// </summary>
    public static IReadOnlyList<LayerMerge> Plan(IReadOnlyList<LayerRecord> chain, LayerRetention retention, IReadOnlySet<long> pinned, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(retention);
        ArgumentNullException.ThrowIfNull(pinned);
        var kept = Kept(chain, retention, now);
        var frozen = LastIndex(chain, layer => pinned.Contains(layer.Id));
        var merges = new List<LayerMerge>();
        long? runStart = null;
        for (var index = frozen + 1; index < chain.Count; index++)
        {
            var id = chain[index].Id;
            if (!kept.Contains(id))
            {
                runStart ??= id;
            }
            else if (runStart is { } lower)
            {
                merges.Add(new LayerMerge(lower, id));
                runStart = null;
            }
        }

        merges.Reverse();
        return merges;
    }

    /// <summary>The ids retention keeps by time, and the newest layer.</summary>
    private static HashSet<long> Kept(IReadOnlyList<LayerRecord> chain, LayerRetention retention, DateTimeOffset now)
    {
        var kept = new HashSet<long>();
        if (chain.Count == 0)
        {
            return kept;
        }

        _ = kept.Add(chain[^1].Id);
        KeepNewestPerPeriod(chain, kept, now, retention.Hourly, Hour, HourOf);
        KeepNewestPerPeriod(chain, kept, now, retention.Daily, Day, DayOf);
        KeepNewestPerPeriod(chain, kept, now, retention.Weekly, Week, WeekOf);
        return kept;
    }

    /// <summary>Keeps the newest layer of each of the <paramref name="count"/> periods ending with the one holding <paramref name="now"/>.</summary>
    private static void KeepNewestPerPeriod(IReadOnlyList<LayerRecord> chain, HashSet<long> kept, DateTimeOffset now, int count, TimeSpan length, Func<DateTimeOffset, DateTimeOffset> periodOf)
    {
        var current = periodOf(now);
        var seen = new HashSet<DateTimeOffset>();
        foreach (var layer in chain.Reverse())
        {
            var sealedAt = layer.SealedAt ?? layer.CreatedAt;
            var period = periodOf(sealedAt);
            var age = (current - period).Ticks / length.Ticks;
            if (age < count && seen.Add(period))
            {
                _ = kept.Add(layer.Id);
            }
        }
    }

    private static DateTimeOffset HourOf(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    private static DateTimeOffset DayOf(DateTimeOffset time) => new(time.UtcDateTime.Date, TimeSpan.Zero);

    private static DateTimeOffset WeekOf(DateTimeOffset time)
    {
        var day = DayOf(time);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    private static int LastIndex(IReadOnlyList<LayerRecord> chain, Func<LayerRecord, bool> match)
    {
        for (var index = chain.Count - 1; index >= 0; index--)
        {
            if (match(chain[index]))
            {
                return index;
            }
        }

        return -1;
    }
}
