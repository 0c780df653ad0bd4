using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Core.Audit;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Hosts;
using Broker.Core.Leases;
using Broker.Core.Pools;
using Broker.Server.Administration;
using Broker.Server.Desktops;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Broker.Server.Agents;

/// <summary>
/// What a client agent asks of a desktop it holds: transfer tickets (pull while the check-out
/// transfers or while it holds authority; push only while it holds authority), with the address
/// of the host that serves them, and lease renewals.
/// Only the device the desktop is checked out to gets either, and only for the current epoch, with
/// one exception: the device a desktop was revoked from gets a short push ticket at the revoked
/// epoch, so the layer it still had reaches the host's quarantine (the host never applies it);
/// each such ticket is audited (<c>desktop.late-push-ticket</c>), as the push bypasses the normal rules.
/// </summary>
internal sealed class TransferTickets(
    IDesktopStore desktops,
    IPoolStore pools,
    IHostStore hosts,
    DesktopActions actions,
    TicketSigner tickets,
    LeaseSigner leases,
    IOptions<AgentOptions> options,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>A signed ticket for <paramref name="request"/>, or why not.</summary>
    public async Task<(IssueTransferTicketResponse? Response, AgentRefusal? Refusal)> IssueAsync(
        AgentIdentity agent, IssueTransferTicketRequest request, CancellationToken cancellationToken)
    {
        if (request.Direction is not (TransferDirection.Pull or TransferDirection.Push) || request.LayerIds.Any(layer => !WireIds.TryLayer(layer, out _)))
        {
            return (null, AgentRefusal.Malformed("A ticket request names a direction (PULL or PUSH) and only UUID layer ids."));
        }

        var latePushAllowed = request.Direction == TransferDirection.Push;
        var (desktop, refusal) = await FindHeldAsync(agent, request.DesktopId, request.Epoch, latePushAllowed, cancellationToken);
        if (refusal is not null)
        {
            return (null, refusal);
        }

        if (latePushAllowed && IsLatePush(desktop!, agent, request.Epoch))
        {
            var revoked = desktop!.LastRevocation!.Epoch;
            var lifetime = options.Value.LatePushTicketLifetime;
            await audit.RecordAsync(
                time,
                agent.Actor,
                "desktop.late-push-ticket",
                $"desktop:{desktop.Id}",
                $"push ticket at revoked epoch {revoked.Value} for {request.LayerIds.Count} layer(s) into quarantine, valid {lifetime:c}",
                cancellationToken);
            return (await SignAsync(desktop, agent, request, revoked, lifetime, cancellationToken), null);
        }

        var allowed = request.Direction == TransferDirection.Push
            ? desktop!.DeviceHoldsAuthority
            : desktop!.DeviceHoldsAuthority || desktop.State == DesktopState.Transferring;
        if (!allowed)
        {
            return (null, AgentRefusal.Precondition("NotCheckedOut", $"The desktop is {desktop.State}; it allows no {request.Direction} by this device now."));
        }

        return (await SignAsync(desktop, agent, request, desktop.Epoch, options.Value.TicketLifetime, cancellationToken), null);
    }

    /// <summary>Slides the lease forward by pool policy and returns it signed, or why not.</summary>
    public async Task<(RenewLeaseResponse? Response, AgentRefusal? Refusal)> RenewAsync(
        AgentIdentity agent, RenewLeaseRequest request, CancellationToken cancellationToken)
    {
        var (desktop, refusal) = await FindHeldAsync(agent, request.DesktopId, request.Epoch, latePushAllowed: false, cancellationToken);
        if (refusal is not null)
        {
            return (null, refusal);
        }

        if (!desktop!.DeviceHoldsAuthority || await pools.FindAsync(desktop.Pool, cancellationToken) is not { } pool)
        {
            return (null, AgentRefusal.Precondition("NotCheckedOut", $"The desktop is {desktop.State}; this device holds no lease on it."));
        }

        var term = LeaseCalculator.Renew(desktop.Lease!.Term, pool.Offline, time.GetUtcNow());
        var result = await actions.ApplyAsync(agent.Actor, desktop, [new LeaseRenewed(desktop.Epoch, term)], cancellationToken);
        return result.Outcome == DesktopActionOutcome.Done
            ? (new RenewLeaseResponse { Lease = leases.For(pool.Offline).Sign(desktop.Id, agent.Device!.Value, desktop.Epoch, term) }, null)
            : (null, AgentRefusal.Precondition(result.Reason ?? "NotFound", result.Detail ?? "The desktop is gone."));
    }

    /// <summary>
    /// True when <paramref name="agent"/> is the device <paramref name="desktop"/> was last revoked
    /// from and <paramref name="wireEpoch"/> is exactly the epoch it lost (older epochs and other
    /// devices get nothing).
    /// </summary>
    private static bool IsLatePush(Desktop desktop, AgentIdentity agent, ulong wireEpoch) =>
        desktop.LastRevocation is { } revoked
        && revoked.Device == agent.Device
        && (ulong)revoked.Epoch.Value == wireEpoch
        && revoked.Epoch < desktop.Epoch
        && desktop.State != DesktopState.Deleted;

    private async Task<IssueTransferTicketResponse> SignAsync(
        Desktop desktop, AgentIdentity agent, IssueTransferTicketRequest request, Epoch epoch, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ticket = new Ticket
        {
            DesktopId = desktop.Id.ToString(),
            HostId = desktop.Host.ToString(),
            DeviceId = agent.Subject.ToString(),
            Direction = request.Direction,
            Epoch = (ulong)epoch.Value,
            IssuedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = Timestamp.FromDateTimeOffset(now + lifetime),
        };
        ticket.LayerIds.AddRange(request.LayerIds);
        return new IssueTransferTicketResponse
        {
            Ticket = tickets.Sign(ticket),
            HostId = desktop.Host.ToString(),
            HostTransferAddress = (await hosts.FindAsync(desktop.Host, cancellationToken))?.TransferAddress ?? string.Empty,
        };
    }

    /// <summary>
    /// The desktop if it is checked out (or being pulled) to this device at exactly <paramref name="wireEpoch"/>,
    /// or, when <paramref name="latePushAllowed"/>, revoked from this device at exactly that epoch.
    /// </summary>
    private async Task<(Desktop? Desktop, AgentRefusal? Refusal)> FindHeldAsync(
        AgentIdentity agent, string desktopId, ulong wireEpoch, bool latePushAllowed, CancellationToken cancellationToken)
    {
        if (agent.Device is null)
        {
            return (null, AgentRefusal.NotYours);
        }

        if (!WireIds.TryDesktop(desktopId, out var id) || !WireIds.TryEpoch(wireEpoch, out var epoch))
        {
            return (null, AgentRefusal.Malformed("The request names a desktop (UUID) and an epoch."));
        }

        var desktop = await desktops.FindAsync(id, cancellationToken);
        if (desktop is not null && latePushAllowed && IsLatePush(desktop, agent, wireEpoch))
        {
            return (desktop, null);
        }

        if (desktop is null || desktop.Device != agent.Device)
        {
            return (null, AgentRefusal.NotYours);
        }

        return epoch == desktop.Epoch
            ? (desktop, null)
            : (null, AgentRefusal.Precondition(nameof(StaleEpoch), $"The desktop is at epoch {desktop.Epoch}, the request names {epoch}."));
    }
}
