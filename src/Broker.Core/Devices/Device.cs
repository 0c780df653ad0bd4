using Broker.Core.Entitlements;

namespace Broker.Core.Devices;

/// <summary>A laptop running a client agent, enrolled by and belonging to one user.</summary>
public sealed record Device
{
    /// <summary>Longest accepted <see cref="Name"/>.</summary>
    public const int MaxNameLength = 253;

    /// <summary>The device's id.</summary>
    public required DeviceId Id { get; init; }

    /// <summary>The user it belongs to; only this user may check desktops out to it.</summary>
    public required UserId Owner { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Whether the client agent reported within the allowed number of heartbeats.</summary>
    public bool Online { get; init; }

    /// <summary>When the client agent last reported in; <see langword="null"/> before its first report.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>Concurrency token: the stored version this value was read at (0 before the first save).</summary>
    public long Version { get; init; }

    /// <summary>Checks <paramref name="draft"/> and builds a newly enrolled (offline) device, or lists every field that is wrong.</summary>
    public static Validated<Device> Create(DeviceId id, DeviceDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<ValidationError>();
        if (id.Value == Guid.Empty)
        {
            errors.Add(new ValidationError(nameof(Id), "must not be empty."));
        }

        if (string.IsNullOrWhiteSpace(draft.Owner.Value))
        {
            errors.Add(new ValidationError(nameof(Owner), "is required."));
        }

        Rules.RequireText(errors, nameof(Name), draft.Name, MaxNameLength);
        return Validated.From(errors, () => new Device
        {
            Id = id,
            Owner = draft.Owner,
            Name = draft.Name!.Trim(),
        });
    }
}
