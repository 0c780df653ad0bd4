namespace Broker.Core.Pools;

/// <summary>
/// Whether and how a pool's desktops may be checked out to a laptop and run offline (design §8).
/// Defaults follow the design: 7-day lease, 5-minute heartbeat, hourly background sync.
/// </summary>
public sealed record OfflinePolicy
{
    /// <summary>Bounds of <see cref="LeaseDays"/>.</summary>
    public const int MinLeaseDays = 1;

    /// <inheritdoc cref="MinLeaseDays" />
    public const int MaxLeaseDays = 365;

    /// <summary>Bounds of <see cref="Heartbeat"/>.</summary>
    public static readonly TimeSpan MinHeartbeat = TimeSpan.FromSeconds(30);

    /// <inheritdoc cref="MinHeartbeat" />
    public static readonly TimeSpan MaxHeartbeat = TimeSpan.FromHours(1);

    /// <summary>Bounds of <see cref="SyncInterval"/>.</summary>
    public static readonly TimeSpan MinSyncInterval = TimeSpan.FromMinutes(1);

    /// <inheritdoc cref="MinSyncInterval" />
    public static readonly TimeSpan MaxSyncInterval = TimeSpan.FromDays(1);

    /// <summary>The design's defaults, with check-out not allowed.</summary>
    public static OfflinePolicy Default { get; } = new();

    /// <summary>Whether desktops may be checked out at all.</summary>
    public bool Allowed { get; init; }

    /// <summary>How many days a checked-out desktop may run without contact before its lease lapses.</summary>
    public int LeaseDays { get; init; } = 7;

    /// <summary>How often the client agent reports in (and so renews the lease) while it can reach the broker.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the client agent pushes a sealed layer in the background.</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Whether the user may postpone a background sync (e.g. on a metered link).</summary>
    public bool UserMayDeferSync { get; init; }

    /// <summary>How many snapshots to keep per period.</summary>
    public RetentionPolicy Retention { get; init; } = RetentionPolicy.Default;

    /// <summary>Whether a revoke also wipes the local copy (otherwise the client only stops the VM and keeps the data).</summary>
    public bool WipeOnRevoke { get; init; }

    /// <summary>The lease length as a duration.</summary>
    public TimeSpan LeaseDuration => TimeSpan.FromDays(LeaseDays);

    /// <summary>Every broken rule, with fields prefixed by <paramref name="prefix"/>.</summary>
    public IReadOnlyList<ValidationError> Validate(string prefix)
    {
        var errors = new List<ValidationError>();
        Rules.RequireRange(errors, $"{prefix}.{nameof(LeaseDays)}", LeaseDays, MinLeaseDays, MaxLeaseDays);
        Rules.RequireRange(errors, $"{prefix}.{nameof(Heartbeat)}", Heartbeat, MinHeartbeat, MaxHeartbeat);
        Rules.RequireRange(errors, $"{prefix}.{nameof(SyncInterval)}", SyncInterval, MinSyncInterval, MaxSyncInterval);
        if (Retention is null)
        {
            errors.Add(new ValidationError($"{prefix}.{nameof(Retention)}", "is required."));
        }
        else
        {
            errors.AddRange(Retention.Validate($"{prefix}.{nameof(Retention)}"));
        }

        return errors;
    }
}
