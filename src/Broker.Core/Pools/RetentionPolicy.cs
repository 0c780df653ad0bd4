namespace Broker.Core.Pools;

/// <summary>How many sealed layers (snapshots) to keep per period (design §9); older ones are merged, never the base.</summary>
/// <param name="Hourly">Newest snapshot of each of the last N hours.</param>
/// <param name="Daily">Newest snapshot of each of the last N days.</param>
/// <param name="Weekly">Newest snapshot of each of the last N weeks.</param>
public sealed record RetentionPolicy(int Hourly, int Daily, int Weekly)
{
    /// <summary>Largest accepted count for any period.</summary>
    public const int MaxCount = 1000;

    /// <summary>A day of hourly, a week of daily and a month of weekly snapshots.</summary>
    public static RetentionPolicy Default { get; } = new(24, 7, 4);

    /// <summary>Every broken rule, with fields prefixed by <paramref name="prefix"/>.</summary>
    public IReadOnlyList<ValidationError> Validate(string prefix)
    {
        var errors = new List<ValidationError>();
        Rules.RequireRange(errors, $"{prefix}.{nameof(Hourly)}", Hourly, 0, MaxCount);
        Rules.RequireRange(errors, $"{prefix}.{nameof(Daily)}", Daily, 0, MaxCount);
        Rules.RequireRange(errors, $"{prefix}.{nameof(Weekly)}", Weekly, 0, MaxCount);
        return errors;
    }
}
