using System.Diagnostics.CodeAnalysis;

namespace Broker.Core.Hosts;

/// <summary>A server whose host agent runs desktops.</summary>
public sealed record Host
{
    /// <summary>Longest accepted <see cref="Name"/>.</summary>
    public const int MaxNameLength = 253;

    /// <summary>Largest accepted <see cref="Capacity"/>.</summary>
    public const int MaxCapacity = 10_000;

    /// <summary>Longest accepted <see cref="TransferAddress"/>.</summary>
    public const int MaxTransferAddressLength = 2048;

    /// <summary>The host's id.</summary>
    public required HostId Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>How many desktops the host may hold (placed desktops count whether running or not).</summary>
    public required int Capacity { get; init; }

    /// <summary>Health as last judged.</summary>
    public HostHealth Health { get; init; }

    /// <summary>When an admin drains a host, it keeps its desktops but gets no new ones.</summary>
    public bool Draining { get; init; }

    /// <summary>When the host agent last reported in; <see langword="null"/> before its first report.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>
    /// Where client agents reach the host's DiskTransfer service (an absolute http or https URL, as
    /// the host agent last reported it); <see langword="null"/> until it reports one.
    /// </summary>
    public string? TransferAddress { get; init; }

    /// <summary>Concurrency token: the stored version this value was read at (0 before the first save).</summary>
    public long Version { get; init; }

    /// <summary>True when new desktops may be placed here (capacity aside).</summary>
    public bool AcceptsNewDesktops => Health == HostHealth.Healthy && !Draining;

    /// <summary>Checks <paramref name="draft"/> and builds a newly enrolled (offline) host, or lists every field that is wrong.</summary>
    public static Validated<Host> Create(HostId id, HostDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<ValidationError>();
        if (id.Value == Guid.Empty)
        {
            errors.Add(new ValidationError(nameof(Id), "must not be empty."));
        }

        Rules.RequireText(errors, nameof(Name), draft.Name, MaxNameLength);
        Rules.RequireRange(errors, nameof(Capacity), draft.Capacity, 1, MaxCapacity);
        return Validated.From(errors, () => new Host
        {
            Id = id,
            Name = draft.Name!.Trim(),
            Capacity = draft.Capacity,
            Health = HostHealth.Offline,
        });
    }

    /// <summary>
    /// True when <paramref name="text"/> can be a <see cref="TransferAddress"/>: an absolute http or
    /// https URL naming a host, at most <see cref="MaxTransferAddressLength"/> characters, without
    /// user info, query or fragment.
    /// </summary>
    public static bool IsValidTransferAddress([NotNullWhen(true)] string? text) =>
        text is { Length: > 0 and <= MaxTransferAddressLength }
        && text.Trim().Length == text.Length
        && Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0
        && uri.UserInfo.Length == 0
        && uri.Query.Length == 0
        && uri.Fragment.Length == 0;
}
