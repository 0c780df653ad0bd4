using Broker.Contracts.V1;
using Broker.Core.Audit;
using Broker.Core.Desktops;
using Broker.Core.Quarantine;
using Broker.Persistence;
using Broker.Server.Administration;
using QuarantinedLayer = Broker.Core.Quarantine.QuarantinedLayer;
using WireQuarantinedLayer = Broker.Contracts.V1.QuarantinedLayer;

namespace Broker.Server.Agents;

/// <summary>
/// A host's reports about its desktop's quarantine: <see cref="DesktopReportKind.LayerQuarantined"/>
/// stores what the host kept (a repeat changes nothing) and <see cref="DesktopReportKind.QuarantinePromoted"/>
/// marks a layer promoted. Neither is a state machine event: the desktop's state and epoch stay as
/// they are. Each change is saved with its audit entry in one transaction.
/// </summary>
internal sealed class QuarantineReports(BrokerDbContext database, IQuarantineStore quarantine, IAuditLog audit, TimeProvider time)
{
    /// <summary>True for the report kinds this class handles.</summary>
    public static bool Handles(DesktopReportKind kind) =>
        kind is DesktopReportKind.LayerQuarantined or DesktopReportKind.QuarantinePromoted;

    /// <summary>Applies <paramref name="report"/> about <paramref name="desktop"/>, which the reporting host owns; null when accepted.</summary>
    public Task<AgentRefusal?> ApplyAsync(AgentIdentity agent, Desktop desktop, DesktopReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(desktop);
        ArgumentNullException.ThrowIfNull(report);
        return report.Kind == DesktopReportKind.LayerQuarantined
            ? RecordAsync(agent, desktop, report.Quarantined, cancellationToken)
            : PromotedAsync(agent, desktop, report.LayerId, cancellationToken);
    }

    private async Task<AgentRefusal?> RecordAsync(AgentIdentity agent, Desktop desktop, WireQuarantinedLayer? kept, CancellationToken cancellationToken)
    {
        if (kept is null
            || !WireIds.TryLayer(kept.LayerId, out var layer)
            || !WireIds.TryEpoch(kept.RevokedEpoch, out var revokedEpoch)
            || !Guid.TryParse(kept.DeviceId, out var device)
            || (kept.ParentLayerId.Length > 0 && !WireIds.TryLayer(kept.ParentLayerId, out _))
            || kept.SizeBytes > long.MaxValue
            || kept.ReceivedAt is null)
        {
            return AgentRefusal.Malformed("LAYER_QUARANTINED names the layer (UUID), its parent (UUID or empty), the revoked epoch, the device, the size and when it arrived.");
        }

        if (revokedEpoch.Value >= desktop.Epoch)
        {
            return AgentRefusal.Precondition(nameof(StaleEpoch), $"Only a push under an epoch older than the desktop's ({desktop.Epoch}) is quarantined; the report names {revokedEpoch}.");
        }

        WireIds.TryLayer(kept.ParentLayerId, out var parent);
        var record = new QuarantinedLayer
        {
            Desktop = desktop.Id,
            Layer = layer,
            Parent = kept.ParentLayerId.Length > 0 ? parent : null,
            RevokedEpoch = revokedEpoch.Value,
            Device = new Core.Devices.DeviceId(device),
            SizeBytes = (long)kept.SizeBytes,
            ReceivedAt = kept.ReceivedAt.ToDateTimeOffset(),
        };
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        if (await quarantine.FindAsync(desktop.Id, layer, cancellationToken) is not null)
        {
            return null; // the host repeated its report
        }

        await quarantine.RecordAsync(record, cancellationToken);
        await audit.RecordAsync(
            time,
            agent.Actor,
            "desktop.layer-quarantined",
            $"desktop:{desktop.Id}",
            $"layer {layer} ({record.SizeBytes} bytes) from device {record.Device} under revoked epoch {record.RevokedEpoch}",
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    private async Task<AgentRefusal?> PromotedAsync(AgentIdentity agent, Desktop desktop, string layerId, CancellationToken cancellationToken)
    {
        if (!WireIds.TryLayer(layerId, out var layer))
        {
            return AgentRefusal.Malformed("QUARANTINE_PROMOTED names the promoted layer (UUID).");
        }

        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var record = await quarantine.FindAsync(desktop.Id, layer, cancellationToken);
        if (record is null)
        {
            return AgentRefusal.Precondition("NotQuarantined", $"Desktop {desktop.Id} has no quarantined layer {layer}.");
        }

        if (record.PromotedAt is not null)
        {
            return null; // the host repeated its report
        }

        await quarantine.UpdateAsync(record with { PromotedAt = time.GetUtcNow() }, cancellationToken);
        await audit.RecordAsync(time, agent.Actor, "desktop.quarantine-promoted", $"desktop:{desktop.Id}", $"runs on from layer {layer}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }
}
