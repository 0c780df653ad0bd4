using Broker.Core.Desktops;
using Broker.Core.Desktops.Commands;
using Broker.Core.Devices;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Broker.Core.Quarantine;

namespace Broker.Core.Reconciliation;

/// <summary>
/// One round of the reconcile loop as a pure function: desired state plus agents' reports give the
/// commands that move each agent towards the desired state, and which agents are now offline.
/// </summary>
/// <remarks>
/// Level-triggered: the commands depend only on the difference between desired and observed, so a
/// lost command is sent again next round, and agents apply repeats as no-ops. Only agents that
/// reported this round (and are not offline) get commands. Desktops an agent reports that the
/// broker does not know are left alone: deleting data on a guess is never safe. Output order
/// follows input order.
/// </remarks>
public static class Reconciler
{
    /// <summary>Computes one round at <paramref name="now"/>.</summary>
    public static ReconcilePlan Reconcile(DesiredState desired, ObservedState observed, DateTimeOffset now, ReconcileOptions options)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(options);

        var hostReports = Newest(observed.Hosts, report => report.Host, report => report.At);
        var deviceReports = Newest(observed.Devices, report => report.Device, report => report.At);

        var hostChanges = new List<Host>();
        var reportingHosts = new HashSet<HostId>();
        foreach (var host in desired.Hosts)
        {
            var report = hostReports.GetValueOrDefault(host.Id);
            var refreshed = Refresh(host, report, now, options);
            if (refreshed != host)
            {
                hostChanges.Add(refreshed);
            }

            if (report is not null && refreshed.Health != HostHealth.Offline)
            {
                reportingHosts.Add(host.Id);
            }
        }

        var deviceChanges = new List<Device>();
        var onlineDevices = new HashSet<DeviceId>();
        foreach (var device in desired.Devices)
        {
            var refreshed = Refresh(device, deviceReports.GetValueOrDefault(device.Id), now, options);
            if (refreshed != device)
            {
                deviceChanges.Add(refreshed);
            }

            if (refreshed.Online)
            {
                onlineDevices.Add(device.Id);
            }
        }

        // Each reporting host's desktops by id (the first report of a desktop wins), built once per round.
        var seenOnHost = new Dictionary<HostId, Dictionary<DesktopId, ObservedDesktop>>();
        foreach (var host in reportingHosts)
        {
            var seen = new Dictionary<DesktopId, ObservedDesktop>();
            foreach (var observedDesktop in hostReports[host].Desktops)
            {
                seen.TryAdd(observedDesktop.Desktop, observedDesktop);
            }

            seenOnHost[host] = seen;
        }

        var pools = desired.Pools.ToDictionary(pool => pool.Id);
        var hostCommands = new List<HostCommand>();
        var desktopChanges = new List<Desktop>();
        foreach (var desktop in desired.Desktops.Where(desktop => reportingHosts.Contains(desktop.Host)))
        {
            var seen = seenOnHost[desktop.Host].GetValueOrDefault(desktop.Id);
            hostCommands.AddRange(ForHost(desktop, seen));

            // A start or stop a user asked for: forgotten once the host shows it done, else ordered
            // again while the server copy may run.
            if (desktop.PowerRequested is { } running && seen is { Locked: false } && seen.Epoch == desktop.Epoch)
            {
                if (seen.Running == running)
                {
                    desktopChanges.Add(desktop with { PowerRequested = null });
                }
                else if (desktop is { State: DesktopState.Available, ServerCopyLocked: false })
                {
                    if (!running)
                    {
                        hostCommands.Add(new StopDesktop(desktop.Host, desktop.Id, desktop.Epoch));
                    }
                    else if (pools.GetValueOrDefault(desktop.Pool) is { } pool)
                    {
                        hostCommands.Add(new StartDesktop(desktop.Host, desktop.Id, desktop.Epoch, pool.Offline.Retention));
                    }
                }
            }
        }

        var desktops = desired.Desktops.ToDictionary(desktop => desktop.Id);
        hostCommands.AddRange(Promotions(desired.Promotions, desktops, seenOnHost));
        var deviceCommands = new List<DeviceCommand>();
        var transferring = desired.Desktops
            .Where(desktop => desktop is { State: DesktopState.Transferring, Device: { } device }
                && seenOnHost.TryGetValue(desktop.Host, out var seen)
                && seen.GetValueOrDefault(desktop.Id) is { } observed
                && observed.ServingDevice == device && observed.Epoch == desktop.Epoch)
            .ToLookup(desktop => desktop.Device!.Value);
        foreach (var device in desired.Devices.Where(device => onlineDevices.Contains(device.Id)))
        {
            if (!deviceReports.TryGetValue(device.Id, out var report))
            {
                continue;
            }

            foreach (var copy in report.Copies)
            {
                if (desktops.TryGetValue(copy.Desktop, out var desktop)
                    && ForDevice(report.Device, copy, desktop, pools.GetValueOrDefault(desktop.Pool)) is { } command)
                {
                    deviceCommands.Add(command);
                }
            }

            deviceCommands.AddRange(PullsOwed(report, transferring[device.Id]));
        }

        return new ReconcilePlan(
            hostCommands.ToLookup(command => command.Host),
            deviceCommands.ToLookup(command => command.Device),
            hostChanges,
            deviceChanges,
            Admit(desired.Desktops, reportingHosts, onlineDevices, options))
        {
            DesktopChanges = desktopChanges,
        };
    }

    /// <summary>True when nothing was heard from an agent for more than the allowed number of heartbeats.</summary>
    public static bool IsOverdue(DateTimeOffset? lastSeen, TimeSpan heartbeat, int missedHeartbeats, DateTimeOffset now) =>
        lastSeen is not { } seen || now - seen > heartbeat * missedHeartbeats;

    private static Host Refresh(Host host, HostReport? report, DateTimeOffset now, ReconcileOptions options)
    {
        var lastSeen = Later(host.LastSeen, report?.At);
        var health = IsOverdue(lastSeen, options.HostHeartbeat, options.MissedHeartbeats, now) ? HostHealth.Offline
            : report is null ? host.Health
            : report.Healthy ? HostHealth.Healthy
            : HostHealth.Unhealthy;
        return host with { LastSeen = lastSeen, Health = health };
    }

    private static Device Refresh(Device device, DeviceReport? report, DateTimeOffset now, ReconcileOptions options)
    {
        var lastSeen = Later(device.LastSeen, report?.At);
        return device with
        {
            LastSeen = lastSeen,
            Online = !IsOverdue(lastSeen, options.DeviceHeartbeat, options.MissedHeartbeats, now),
        };
    }

    /// <summary>What the desktop's host must do so that its copy matches the desired state.</summary>
    private static IEnumerable<HostCommand> ForHost(Desktop desktop, ObservedDesktop? seen)
    {
        if (desktop.State == DesktopState.Deleted)
        {
            if (seen is not null)
            {
                yield return new DeleteDesktop(desktop.Host, desktop.Id, desktop.Epoch);
            }

            yield break;
        }

        if (seen is null)
        {
            if (desktop.State == DesktopState.Provisioning)
            {
                yield return new ProvisionDesktop(desktop.Host, desktop.Id, desktop.Epoch, desktop.Image);
            }

            yield break;
        }

        // An epoch the broker never issued: acting on it could only make things worse; an operator looks.
        if (seen.Epoch > desktop.Epoch)
        {
            yield break;
        }

        // Built, but its completion never got through: a repeat makes the host report it again.
        if (desktop.State == DesktopState.Provisioning)
        {
            yield return new ProvisionDesktop(desktop.Host, desktop.Id, desktop.Epoch, desktop.Image);
            yield break;
        }

        // A reset or restore is owed until the host reports it done; the host recognises a repeat by
        // its epoch and only reports completion again (the first report may be what got lost).
        if (desktop.State == DesktopState.Resetting)
        {
            yield return new ResetToImage(desktop.Host, desktop.Id, desktop.Epoch, desktop.Image);
            yield break;
        }

        if (desktop is { State: DesktopState.RollingBack, LastAckedLayer: { } snapshot })
        {
            yield return new RollBackToSnapshot(desktop.Host, desktop.Id, desktop.Epoch, snapshot);
            yield break;
        }

        if (desktop.ServerCopyLocked)
        {
            if (!seen.Locked || seen.Running)
            {
                yield return new LockServerCopy(desktop.Host, desktop.Id, desktop.Epoch);
            }

            if (desktop.DeviceHoldsAuthority && seen.Epoch < desktop.Epoch)
            {
                yield return new AcceptDevicePushes(desktop.Host, desktop.Id, desktop.Epoch, desktop.Device!.Value);
            }

            // A check-out's transfer is owed until the host serves it; only then is the device told to pull.
            if (desktop is { State: DesktopState.Transferring, Device: { } device } && seen.ServingDevice != device)
            {
                yield return new ServeTransfer(desktop.Host, desktop.Id, desktop.Epoch, device);
            }
        }
        else if (seen.Locked || seen.Epoch < desktop.Epoch)
        {
            yield return new UnlockAndResume(desktop.Host, desktop.Id, desktop.Epoch);
        }
    }

    /// <summary>
    /// The promotions a reporting host still owes: it holds the desktop at the epoch the admin asked
    /// at (so it has applied the revoke first), and the desktop may still take one.
    /// </summary>
    private static IEnumerable<HostCommand> Promotions(
        IReadOnlyList<QuarantinedLayer> promotions,
        Dictionary<DesktopId, Desktop> desktops,
        Dictionary<HostId, Dictionary<DesktopId, ObservedDesktop>> seenOnHost)
    {
        foreach (var layer in promotions)
        {
            if (desktops.TryGetValue(layer.Desktop, out var desktop)
                && seenOnHost.TryGetValue(desktop.Host, out var seen)
                && seen.TryGetValue(desktop.Id, out var observed)
                && observed.Epoch == desktop.Epoch
                && QuarantineRules.PromotionFor(desktop, layer) is { } command)
            {
                yield return command;
            }
        }
    }

    /// <summary>What a device must do with a copy it reports, or <see langword="null"/> when the copy is as it should be.</summary>
    private static DeviceCommand? ForDevice(DeviceId device, ObservedLocalCopy copy, Desktop desktop, Pool? pool)
    {
        if (copy.Epoch > desktop.Epoch)
        {
            return null;
        }

        if (desktop.Device == device)
        {
            // The holder missed its grant (e.g. the connection dropped right after the transfer).
            return desktop.DeviceHoldsAuthority && copy.Epoch < desktop.Epoch
                ? new GrantLease(device, desktop.Id, desktop.Epoch, desktop.Lease!.Term)
                : null;
        }

        // Same epoch without being the desktop's device: only a pull that was cancelled leaves that.
        if (copy.Epoch == desktop.Epoch)
        {
            return new CancelTransfer(device, desktop.Id, desktop.Epoch);
        }

        // An older epoch: revoked, or checked in and the release was missed. Either way the copy is
        // no longer authoritative; the server holds everything that was acked.
        var wipe = desktop.State == DesktopState.Deleted || pool?.Offline.WipeOnRevoke == true;
        return new RevokeLocalCopy(device, desktop.Id, desktop.Epoch, wipe);
    }

    /// <summary>
    /// The pulls a device should be running but does not report: of the desktops in
    /// <see cref="DesktopState.Transferring"/> to it whose host reports serving it at the current
    /// epoch (<paramref name="transferring"/>), those it holds no copy of at that epoch. This is how
    /// every pull starts: the device is told to pull once its host serves it (never before, so its
    /// first call is not refused), and again if the START_PULL was lost or the device lost its state.
    /// A paused transfer is paused again at once.
    /// </summary>
    private static IEnumerable<DeviceCommand> PullsOwed(DeviceReport report, IEnumerable<Desktop> transferring)
    {
        foreach (var desktop in transferring)
        {
            if (report.Copies.Any(copy => copy.Desktop == desktop.Id && copy.Epoch >= desktop.Epoch))
            {
                continue;
            }

            yield return new StartPull(report.Device, desktop.Id, desktop.Epoch, desktop.Host);
            if (desktop.TransferPaused)
            {
                yield return new PauseTransfer(report.Device, desktop.Id, desktop.Epoch);
            }
        }
    }

    /// <summary>Check-outs that may start: their host reports, their device is online, and the host has a free transfer slot.</summary>
    private static List<DesktopId> Admit(
        IReadOnlyList<Desktop> desktops,
        HashSet<HostId> reportingHosts,
        HashSet<DeviceId> onlineDevices,
        ReconcileOptions options)
    {
        var admitted = new List<DesktopId>();
        foreach (var onHost in desktops.Where(desktop => reportingHosts.Contains(desktop.Host)).GroupBy(desktop => desktop.Host))
        {
            var free = options.MaxConcurrentTransfersPerHost
                - onHost.Count(desktop => desktop.State is DesktopState.Preparing or DesktopState.Transferring);
            var waiting = onHost.Where(desktop => desktop.State == DesktopState.CheckOutRequested
                && desktop.Device is { } device && onlineDevices.Contains(device));
            admitted.AddRange(waiting.Take(Math.Max(free, 0)).Select(desktop => desktop.Id));
        }

        return admitted;
    }

    private static Dictionary<TKey, TReport> Newest<TKey, TReport>(
        IEnumerable<TReport> reports,
        Func<TReport, TKey> key,
        Func<TReport, DateTimeOffset> at)
        where TKey : notnull
    {
        var newest = new Dictionary<TKey, TReport>();
        foreach (var report in reports)
        {
            if (!newest.TryGetValue(key(report), out var previous) || at(report) > at(previous))
            {
                newest[key(report)] = report;
            }
        }

        return newest;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
