namespace Broker.Core.Pools;

/// <summary>
/// How often a running desktop is snapshotted (sealed) on its host, and how many of those snapshots
/// to keep per period (design §9); older ones are merged, never the base.
/// </summary>
/// <param name="Hourly">Newest snapshot of each of the last N hours.</param>
/// <param name="Daily">Newest snapshot of each of the last N days.</param>
/// <param name="Weekly">Newest snapshot of each of the last N weeks.</param>
public sealed record RetentionPolicy(int Hourly, int Daily, int Weekly)
{
    /// <summary>Largest accepted count for any period.</summary>
    public const int MaxCount = 1000;

    /// <summary>The snapshot interval unless the admin sets another.</summary>
    public static readonly TimeSpan DefaultSnapshotInterval = TimeSpan.FromHours(1);

    /// <summary>Shortest accepted <see cref="SnapshotInterval"/>.</summary>
    public static readonly TimeSpan MinSnapshotInterval = TimeSpan.FromMinutes(5);

    /// <summary>Longest accepted <see cref="SnapshotInterval"/>.</summary>
    public static readonly TimeSpan MaxSnapshotInterval = TimeSpan.FromDays(7);

    /// <summary>A day of hourly, a week of daily and a month of weekly snapshots, taken hourly.</summary>
    public static RetentionPolicy Default { get; } = new(24, 7, 4);

    /// <summary>How often the host seals a running desktop (only when something was written since the last seal).</summary>
    public TimeSpan SnapshotInterval { get; init; } = DefaultSnapshotInterval;

    /// <summary>Every broken rule, with fields prefixed by <paramref name="prefix"/>.</summary>
    public IReadOnlyList<ValidationError> Validate(string prefix)
    {
        var errors = new List<ValidationError>();
        Rules.RequireRange(errors, $"{prefix}.{nameof(Hourly)}", Hourly, 0, MaxCount);
        Rules.RequireRange(errors, $"{prefix}.{nameof(Daily)}", Daily, 0, MaxCount);
        Rules.RequireRange(errors, $"{prefix}.{nameof(Weekly)}", Weekly, 0, MaxCount);
        if (SnapshotInterval < MinSnapshotInterval || SnapshotInterval > MaxSnapshotInterval)
        {
            errors.Add(new ValidationError($"{prefix}.{nameof(SnapshotInterval)}", $"must be between {MinSnapshotInterval} and {MaxSnapshotInterval}."));
        }
        return errors;
    }
}
