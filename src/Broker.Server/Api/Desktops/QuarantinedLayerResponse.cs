using Broker.Core.Quarantine;

namespace Broker.Server.Api.Desktops;

/// <summary>A late layer of a revoked device, as the host kept it; <see cref="Promoted"/> once the host runs on from it.</summary>
internal sealed record QuarantinedLayerResponse(
    Guid DesktopId,
    Guid LayerId,
    Guid? ParentLayerId,
    long RevokedEpoch,
    Guid DeviceId,
    long SizeBytes,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? PromoteRequestedAt,
    DateTimeOffset? PromotedAt,
    bool Promoted)
{
    public static QuarantinedLayerResponse From(QuarantinedLayer layer) => new(
        layer.Desktop.Value,
        layer.Layer.Value,
        layer.Parent?.Value,
        layer.RevokedEpoch.Value,
        layer.Device.Value,
        layer.SizeBytes,
        layer.ReceivedAt,
        layer.PromoteRequestedAt,
        layer.PromotedAt,
        layer.PromotedAt is not null);
}
