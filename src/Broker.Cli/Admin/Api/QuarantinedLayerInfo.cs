namespace Broker.Cli.Admin.Api;

/// <summary>A quarantined layer of a desktop (<c>/api/v1/admin/desktops/{id}/quarantine</c>).</summary>
internal sealed record QuarantinedLayerInfo(
    Guid DesktopId,
    Guid LayerId,
    Guid? ParentLayerId,
    long RevokedEpoch,
    Guid DeviceId,
    long SizeBytes,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? PromoteRequestedAt,
    DateTimeOffset? PromotedAt,
    bool Promoted);
