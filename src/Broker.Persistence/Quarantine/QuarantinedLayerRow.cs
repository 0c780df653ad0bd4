using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Quarantine;

namespace Broker.Persistence.Quarantine;

/// <summary>A stored <see cref="QuarantinedLayer"/>, keyed by desktop and layer.</summary>
internal sealed class QuarantinedLayerRow
{
    public DesktopId DesktopId { get; set; }

    public LayerId LayerId { get; set; }

    public LayerId? ParentLayerId { get; set; }

    public Epoch RevokedEpoch { get; set; }

    public DeviceId DeviceId { get; set; }

    public long SizeBytes { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset? PromoteRequestedAt { get; set; }

    public Epoch? PromoteEpoch { get; set; }

    public DateTimeOffset? PromotedAt { get; set; }

    public static QuarantinedLayerRow From(QuarantinedLayer layer) => new()
    {
        DesktopId = layer.Desktop,
        LayerId = layer.Layer,
        ParentLayerId = layer.Parent,
        RevokedEpoch = layer.RevokedEpoch,
        DeviceId = layer.Device,
        SizeBytes = layer.SizeBytes,
        ReceivedAt = layer.ReceivedAt,
        PromoteRequestedAt = layer.PromoteRequestedAt,
        PromoteEpoch = layer.PromoteEpoch,
        PromotedAt = layer.PromotedAt,
    };

    public QuarantinedLayer ToDomain() => new()
    {
        Desktop = DesktopId,
        Layer = LayerId,
        Parent = ParentLayerId,
        RevokedEpoch = RevokedEpoch,
        Device = DeviceId,
        SizeBytes = SizeBytes,
        ReceivedAt = ReceivedAt,
        PromoteRequestedAt = PromoteRequestedAt,
        PromoteEpoch = PromoteEpoch,
        PromotedAt = PromotedAt,
    };
}
