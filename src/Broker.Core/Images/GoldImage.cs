namespace Broker.Core.Images;

/// <summary>
/// A gold image: the read-only base disk every desktop of a pool starts from (design §4). Images
/// are immutable once registered; a new version is a new image.
/// </summary>
public sealed record GoldImage
{
    /// <summary>Longest accepted <see cref="Name"/>.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Longest accepted <see cref="Version"/>.</summary>
    public const int MaxVersionLength = 50;

    /// <summary>Largest accepted <see cref="SizeBytes"/>: the VHDX format's 64 TiB limit.</summary>
    public const long MaxSizeBytes = 64L << 40;

    /// <summary>The image's id.</summary>
    public required ImageId Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Version label.</summary>
    public required string Version { get; init; }

    /// <summary>Where the base disk's content lives.</summary>
    public required ContentAddress Base { get; init; }

    /// <summary>The base disk's size in bytes.</summary>
    public required long SizeBytes { get; init; }

    /// <summary>Checks <paramref name="draft"/> and builds the image, or lists every field that is wrong.</summary>
    public static Validated<GoldImage> Create(ImageId id, GoldImageDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<ValidationError>();
        Rules.RequireText(errors, nameof(Name), draft.Name, MaxNameLength);
        Rules.RequireText(errors, nameof(Version), draft.Version, MaxVersionLength);
        if (!ContentAddress.TryParse(draft.BaseContentAddress, out var address))
        {
            errors.Add(new ValidationError(
                nameof(GoldImageDraft.BaseContentAddress),
                $"must be '{ContentAddress.Sha256Prefix}' followed by 64 lowercase hex digits."));
        }

        Rules.RequireRange(errors, nameof(SizeBytes), draft.SizeBytes, 1, MaxSizeBytes);
        if (id.Value == Guid.Empty)
        {
            errors.Add(new ValidationError(nameof(Id), "must not be empty."));
        }

        return Validated.From(errors, () => new GoldImage
        {
            Id = id,
            Name = draft.Name!.Trim(),
            Version = draft.Version!.Trim(),
            Base = address,
            SizeBytes = draft.SizeBytes,
        });
    }
}
