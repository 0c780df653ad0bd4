using System.Globalization;
using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Pools;
using Broker.Persistence.Identity;
using Broker.Server.Desktops;
using Microsoft.AspNetCore.Identity;
using CoreDesktop = Broker.Core.Desktops.Desktop;

namespace Broker.Server.Agents;

/// <summary>
/// What a client agent asks for its user: the user's desktops, a check-out to this device and a
/// check-in from it. Each goes through <see cref="MyDesktops"/> and <see cref="DesktopActions"/>
/// as the device's owner, so the portal's rules, audit entries and transactions apply unchanged.
/// A request repeated while the change it asked for is under way answers the desktop as it stands
/// and changes nothing.
/// </summary>
internal sealed class DeviceDesktopRequests(
    IDeviceStore devices,
    IPoolStore pools,
    UserManager<BrokerUser> users,
    MyDesktops mine,
    DesktopActions actions)
{
    /// <summary>The desktops assigned to the device's user.</summary>
    public async Task<(IReadOnlyList<DeviceDesktop>? Desktops, AgentRefusal? Refusal)> ListAsync(AgentIdentity agent, CancellationToken cancellationToken)
    {
        var (owner, refusal) = await OwnerAsync(agent, cancellationToken);
        if (owner is null)
        {
            return (null, refusal);
        }

        var own = await mine.ListDesktopsAsync(owner, cancellationToken);
        var poolsById = (await pools.ListAsync(cancellationToken)).ToDictionary(pool => pool.Id);
        return ([.. own.Select(desktop => ToWire(desktop, poolsById.GetValueOrDefault(desktop.Pool)))], null);
    }

    /// <summary>Checks the user's desktop named by <paramref name="request"/> (id or name) out to this device.</summary>
    public async Task<(DeviceDesktop? Desktop, AgentRefusal? Refusal)> CheckOutAsync(
        AgentIdentity agent, RequestCheckOutRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Desktop))
        {
            return (null, AgentRefusal.Malformed("A check-out request names a desktop by its id or its name."));
        }

        var (owner, refusal) = await OwnerAsync(agent, cancellationToken);
        if (owner is null)
        {
            return (null, refusal);
        }

        var (desktop, unknown) = Resolve(await mine.ListDesktopsAsync(owner, cancellationToken), request.Desktop);
        if (desktop is null)
        {
            return (null, unknown);
        }

        if (desktop.Device == agent.Device && desktop.State is DesktopState.CheckOutRequested or DesktopState.Preparing
            or DesktopState.Transferring or DesktopState.CheckedOut)
        {
            return (await ToWireAsync(desktop, cancellationToken), null);
        }

        return await AnswerAsync(await actions.CheckOutAsync(owner, desktop.Id, agent.Device!.Value, epoch: null, cancellationToken), cancellationToken);
    }

    /// <summary>Starts the check-in of a desktop this device holds at the epoch it names.</summary>
    public async Task<(DeviceDesktop? Desktop, AgentRefusal? Refusal)> CheckInAsync(
        AgentIdentity agent, RequestCheckInRequest request, CancellationToken cancellationToken)
    {
        if (!WireIds.TryDesktop(request.DesktopId, out var id) || !WireIds.TryEpoch(request.Epoch, out var epoch))
        {
            return (null, AgentRefusal.Malformed("A check-in request names a desktop (UUID) and an epoch."));
        }

        var (owner, refusal) = await OwnerAsync(agent, cancellationToken);
        if (owner is null)
        {
            return (null, refusal);
        }

        var desktop = await actions.FindOwnAsync(owner, id, cancellationToken);
        if (desktop is null)
        {
            return (null, UnknownDesktop(request.DesktopId));
        }

        if (desktop.Device is null)
        {
            return (null, AgentRefusal.Precondition("NotCheckedOut", $"Desktop '{desktop.Name}' is {desktop.State}; it is not checked out."));
        }

        if (desktop.Device != agent.Device)
        {
            return (null, AgentRefusal.NotYours);
        }

        if (epoch == desktop.Epoch && desktop.State is DesktopState.CheckInRequested or DesktopState.Uploading or DesktopState.Committing)
        {
            return (await ToWireAsync(desktop, cancellationToken), null);
        }

        return await AnswerAsync(await actions.CheckInAsync(owner, id, epoch, cancellationToken), cancellationToken);
    }

    /// <summary>The device's owner as the desktop rules see them (id and groups); refused when the device or its user is gone or locked out.</summary>
    private async Task<(UserIdentity? Owner, AgentRefusal? Refusal)> OwnerAsync(AgentIdentity agent, CancellationToken cancellationToken)
    {
        if (agent.Device is not { } id || await devices.FindAsync(id, cancellationToken) is not { } device)
        {
            return (null, AgentRefusal.NotYours);
        }

        var user = await users.FindByIdAsync(device.Owner.Value);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return (null, AgentRefusal.Denied("The device's user is unknown or locked out."));
        }

        var groups = (await users.GetClaimsAsync(user))
            .Where(claim => claim.Type == Actor.GroupClaimType)
            .Select(claim => new GroupId(claim.Value))
            .ToHashSet();
        return (new UserIdentity(device.Owner, groups), null);
    }

    /// <summary>The desktop <paramref name="reference"/> names among <paramref name="own"/>: its id, else its exact name, which must be unique.</summary>
    private static (CoreDesktop? Desktop, AgentRefusal? Refusal) Resolve(IReadOnlyList<CoreDesktop> own, string reference)
    {
        if (Guid.TryParse(reference, CultureInfo.InvariantCulture, out var id))
        {
            var byId = own.FirstOrDefault(desktop => desktop.Id.Value == id);
            return byId is null ? (null, UnknownDesktop(reference)) : (byId, null);
        }

        var named = own.Where(desktop => string.Equals(desktop.Name, reference, StringComparison.Ordinal)).Take(2).ToList();
        return named.Count switch
        {
            1 => (named[0], null),
            0 => (null, UnknownDesktop(reference)),
            _ => (null, AgentRefusal.NotFound($"More than one of your desktops is named '{reference}'; name it by its id.")),
        };
    }

    private static AgentRefusal UnknownDesktop(string reference) =>
        AgentRefusal.NotFound($"None of your desktops is '{reference}' (an id or a name of a desktop assigned to you).");

    private async Task<(DeviceDesktop? Desktop, AgentRefusal? Refusal)> AnswerAsync(DesktopActionResult result, CancellationToken cancellationToken) =>
        result.Outcome switch
        {
            DesktopActionOutcome.Done => (await ToWireAsync(result.Desktop!, cancellationToken), null),
            DesktopActionOutcome.NotFound => (null, AgentRefusal.NotFound("The desktop is no longer one of yours.")),
            DesktopActionOutcome.InvalidDevice => (null, AgentRefusal.NotYours),
            DesktopActionOutcome.Refused or DesktopActionOutcome.Conflict => (null, AgentRefusal.Precondition(result.Reason!, result.Detail!)),
            _ => throw new InvalidOperationException($"Unknown outcome {result.Outcome}."),
        };

    private async Task<DeviceDesktop> ToWireAsync(CoreDesktop desktop, CancellationToken cancellationToken) =>
        ToWire(desktop, await pools.FindAsync(desktop.Pool, cancellationToken));

    /// <summary>The wire form of <paramref name="desktop"/> in <paramref name="pool"/> (null when the pool is gone).</summary>
    internal static DeviceDesktop ToWire(CoreDesktop desktop, Pool? pool) => new()
    {
        DesktopId = desktop.Id.ToString(),
        Name = desktop.Name,
        PoolName = pool?.Name ?? string.Empty,
        State = desktop.State.ToString(),
        Epoch = (ulong)desktop.Epoch.Value,
        DeviceId = desktop.Device?.ToString() ?? string.Empty,
        HostId = desktop.Host.ToString(),
        OfflineAllowed = pool?.Offline.Allowed ?? false,
    };
}
