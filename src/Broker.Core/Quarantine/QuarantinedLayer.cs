using Broker.Core.Desktops;
using Broker.Core.Devices;

namespace Broker.Core.Quarantine;

/// <summary>
/// A layer a revoked device pushed after it lost authority: the host keeps it beside the chain, never
/// in it, until an admin promotes it (design §5: nothing is lost, nothing overwrites).
/// </summary>
public sealed record QuarantinedLayer
{
    /// <summary>The desktop it belongs to.</summary>
    public required DesktopId Desktop { get; init; }

    /// <summary>The pushed layer.</summary>
    public required LayerId Layer { get; init; }

    /// <summary>The chain layer the device built it on, when the host knows it.</summary>
    public LayerId? Parent { get; init; }

    /// <summary>The revoked epoch the device pushed under.</summary>
    public required Epoch RevokedEpoch { get; init; }

    /// <summary>The device that pushed it.</summary>
    public required DeviceId Device { get; init; }

    /// <summary>Bytes of the layer file the host keeps.</summary>
    public long SizeBytes { get; init; }

    /// <summary>When the host received it.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When an admin asked to promote it; <see langword="null"/> until then.</summary>
    public DateTimeOffset? PromoteRequestedAt { get; init; }

    /// <summary>The desktop's epoch when the promotion was asked for: the host is told to promote only at that epoch.</summary>
    public Epoch? PromoteEpoch { get; init; }

    /// <summary>When the host reported the promotion done; <see langword="null"/> until then.</summary>
    public DateTimeOffset? PromotedAt { get; init; }

    /// <summary>True when a promotion was asked for and the host has not reported it done.</summary>
    public bool AwaitsPromotion => PromoteEpoch is not null && PromotedAt is null;
}
