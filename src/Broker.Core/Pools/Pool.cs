using Broker.Core.Images;

namespace Broker.Core.Pools;

/// <summary>A pool: a set of desktops made from one gold image, handed to entitled users.</summary>
public sealed record Pool
{
    /// <summary>Longest accepted <see cref="Name"/>.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Largest accepted <see cref="DesiredSize"/>.</summary>
    public const int MaxDesiredSize = 10_000;

    /// <summary>The pool's id.</summary>
    public required PoolId Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Dedicated or floating; fixed at creation.</summary>
    public required PoolKind Kind { get; init; }

    /// <summary>The gold image new (and reset) desktops start from.</summary>
    public required ImageId Image { get; init; }

    /// <summary>How many desktops the pool should have.</summary>
    public required int DesiredSize { get; init; }

    /// <summary>Whether and how desktops may run offline.</summary>
    public required OfflinePolicy Offline { get; init; }

    /// <summary>Concurrency token: the stored version this value was read at (0 before the first save).</summary>
    public long Version { get; init; }

    /// <summary>Checks <paramref name="draft"/> and builds a new pool, or lists every field that is wrong.</summary>
    public static Validated<Pool> Create(PoolId id, PoolDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = Validate(draft);
        if (id.Value == Guid.Empty)
        {
            errors.Add(new ValidationError(nameof(Id), "must not be empty."));
        }

        return Validated.From(errors, () => Build(id, draft, version: 0));
    }

    /// <summary>
    /// Checks <paramref name="draft"/> as an edit of this pool: the same rules as
    /// <see cref="Create"/>, and the kind cannot change (desktops were assigned under it).
    /// </summary>
    public Validated<Pool> Edit(PoolDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = Validate(draft);
        if (draft.Kind != Kind)
        {
            errors.Add(new ValidationError(nameof(Kind), $"cannot change after creation (is {Kind})."));
        }

        return Validated.From(errors, () => Build(Id, draft, Version));
    }

    private static List<ValidationError> Validate(PoolDraft draft)
    {
        var errors = new List<ValidationError>();
        Rules.RequireText(errors, nameof(Name), draft.Name, MaxNameLength);
        Rules.RequireDefined(errors, nameof(Kind), draft.Kind);
        if (draft.Image.Value == Guid.Empty)
        {
            errors.Add(new ValidationError(nameof(Image), "is required."));
        }

        Rules.RequireRange(errors, nameof(DesiredSize), draft.DesiredSize, 0, MaxDesiredSize);
        var offline = draft.Offline ?? OfflinePolicy.Default;
        errors.AddRange(offline.Validate(nameof(Offline)));

        // A floating desktop is reset on release, so a laptop copy would have nothing to come back to.
        if (draft.Kind == PoolKind.Floating && offline.Allowed)
        {
            errors.Add(new ValidationError(
                $"{nameof(Offline)}.{nameof(OfflinePolicy.Allowed)}",
                "floating pools cannot allow offline use; only dedicated desktops can be checked out."));
        }

        return errors;
    }

    private static Pool Build(PoolId id, PoolDraft draft, long version) => new()
    {
        Id = id,
        Name = draft.Name!.Trim(),
        Kind = draft.Kind,
        Image = draft.Image,
        DesiredSize = draft.DesiredSize,
        Offline = draft.Offline ?? OfflinePolicy.Default,
        Version = version,
    };
}
