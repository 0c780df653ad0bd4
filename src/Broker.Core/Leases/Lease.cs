using Broker.Core.Desktops;

namespace Broker.Core.Leases;

/// <summary>
/// The offline lease a device holds on a checked-out desktop: valid for one epoch and until
/// <see cref="LeaseTerm.ExpiresAt"/>. A lease whose epoch is older than the desktop's is void,
/// whatever its expiry says.
/// </summary>
/// <param name="Epoch">The epoch the lease grants write authority for.</param>
/// <param name="Term">The validity window.</param>
public sealed record Lease(Epoch Epoch, LeaseTerm Term)
{
    /// <summary>When the lease lapses unless renewed.</summary>
    public DateTimeOffset ExpiresAt => Term.ExpiresAt;

    /// <summary>True when the lease has lapsed at <paramref name="now"/> (expiry instant included).</summary>
    public bool IsExpiredAt(DateTimeOffset now) => now >= Term.ExpiresAt;

    /// <summary>Time left at <paramref name="now"/>; zero once lapsed.</summary>
    public TimeSpan RemainingAt(DateTimeOffset now) => IsExpiredAt(now) ? TimeSpan.Zero : Term.ExpiresAt - now;
}
