using Broker.Core.Audit;
using Broker.Core.Desktops;
using Broker.Core.Quarantine;
using Broker.Persistence;
using Broker.Server.Administration;
using Broker.Server.Agents;

namespace Broker.Server.Desktops;

/// <summary>
/// What admins do with a desktop's quarantine (late layers of a revoked device that the host kept):
/// list it, and promote one layer so the desktop runs on from it. A promotion is stored with its
/// audit entry, then sent to the host at once; the reconcile loop sends it again while the host
/// has not reported it done (<see cref="QuarantineRules.PromotionFor"/>).
/// </summary>
internal sealed class DesktopQuarantine(
    BrokerDbContext database,
    IDesktopStore desktops,
    IQuarantineStore quarantine,
    IAuditLog audit,
    AgentCommandDispatcher commands,
    TimeProvider time)
{
    /// <summary>The desktop's quarantined layers, oldest first; <see langword="null"/> when there is no such desktop.</summary>
    public async Task<IReadOnlyList<QuarantinedLayer>?> ListAsync(DesktopId id, CancellationToken cancellationToken) =>
        await desktops.FindAsync(id, cancellationToken) is null ? null : await quarantine.ListAsync([id], cancellationToken);

    /// <summary>
    /// Asks the desktop's host to continue from <paramref name="layer"/>. Refused (conflict) while a
    /// check-out holds or moves the desktop, and for a layer already promoted.
    /// </summary>
    public async Task<ChangeResult<QuarantinedLayer>> PromoteAsync(string admin, DesktopId id, LayerId layer, CancellationToken cancellationToken)
    {
        var desktop = await desktops.FindAsync(id, cancellationToken);
        if (desktop is null)
        {
            return ChangeResult<QuarantinedLayer>.NotFound($"There is no desktop {id}.");
        }

        var record = await quarantine.FindAsync(id, layer, cancellationToken);
        if (record is null)
        {
            return ChangeResult<QuarantinedLayer>.NotFound($"Desktop '{desktop.Name}' has no quarantined layer {layer}.");
        }

        if (record.PromotedAt is not null)
        {
            return Conflict("AlreadyPromoted", $"Layer {layer} of desktop '{desktop.Name}' was already promoted.");
        }

        if (!QuarantineRules.CanPromote(desktop))
        {
            return Conflict(
                "DesktopBusy",
                $"Desktop '{desktop.Name}' is {desktop.State}: a layer can be promoted only while the server holds the desktop and no check-out is under way. Check it in or revoke it first.");
        }

        var requested = record with { PromoteRequestedAt = time.GetUtcNow(), PromoteEpoch = desktop.Epoch };
        await using (var transaction = await database.Database.BeginTransactionAsync(cancellationToken))
        {
            await quarantine.UpdateAsync(requested, cancellationToken);
            await audit.RecordAsync(time, admin, "desktop.quarantine-promote-requested", $"desktop:{id}", $"promote layer {layer} at epoch {desktop.Epoch}", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await commands.DispatchAsync([QuarantineRules.PromotionFor(desktop, requested)!], cancellationToken);
        return ChangeResult<QuarantinedLayer>.Done(requested);
    }

    private static ChangeResult<QuarantinedLayer> Conflict(string reason, string detail) =>
        new(ChangeOutcome.Conflict, null, [], reason, detail);
}
