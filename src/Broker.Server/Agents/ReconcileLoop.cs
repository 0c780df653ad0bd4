using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Broker.Core.Quarantine;
using Broker.Core.Reconciliation;
using Broker.Server.Desktops;
using Microsoft.Extensions.Options;

namespace Broker.Server.Agents;

/// <summary>
/// The reconcile loop: each round compares the stored desired state with what the agents connected
/// to this instance last reported (<see cref="Reconciler"/>), saves hosts and devices whose health
/// changed (offline, back online) and desktops whose requested start or stop was carried out, admits
/// waiting check-outs and sends the commands. Rounds run
/// every <see cref="AgentOptions.ReconcileInterval"/>, sooner when an agent reports something new,
/// but never sooner than <see cref="AgentOptions.ReconcileSpacing"/> after the previous one. A
/// last-seen time alone is not saved here: <see cref="LastSeenFlushLoop"/> batches those.
/// </summary>
internal sealed partial class ReconcileLoop(
    IServiceScopeFactory scopes,
    AgentSessions sessions,
    AgentCommandDispatcher commands,
    ReconcileSignal signal,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<ReconcileLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReconcileInterval;
        var spacing = options.Value.ReconcileSpacing < interval ? options.Value.ReconcileSpacing : interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(interval - spacing, stoppingToken);
                await RunRoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // One failed round (e.g. the database briefly away) must not end the loop; the next round retries.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, exception);
            }

            try
            {
                await Task.Delay(spacing, time, stoppingToken); // wakes meanwhile are kept and start the next round
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round over everything this instance's agents reported.</summary>
    public async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        var open = sessions.All;
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var hosts = services.GetRequiredService<IHostStore>();
        var devices = services.GetRequiredService<IDeviceStore>();
        var desktops = services.GetRequiredService<IDesktopStore>();
        var hostReports = open.Select(session => session.HostReport).OfType<HostReport>().ToList();
        var deviceReports = open.Select(session => session.DeviceReport).OfType<DeviceReport>().ToList();

        var desired = await LoadDesiredAsync(services, hostReports, deviceReports, cancellationToken);
        var plan = Reconciler.Reconcile(desired, new ObservedState(hostReports, deviceReports), time.GetUtcNow(), ReconcileOptions());

        // Only health changes are saved here; a newer last-seen time alone is LastSeenFlushLoop's to batch.
        var storedHosts = desired.Hosts.ToDictionary(host => host.Id);
        foreach (var host in plan.HostChanges.Where(host => host.Health != storedHosts[host.Id].Health))
        {
            await hosts.UpdateAsync(host, cancellationToken); // a conflict is settled next round
        }

        var storedDevices = desired.Devices.ToDictionary(device => device.Id);
        foreach (var device in plan.DeviceChanges.Where(device => device.Online != storedDevices[device.Id].Online))
        {
            await devices.UpdateAsync(device, cancellationToken);
        }

        foreach (var desktop in plan.DesktopChanges)
        {
            await desktops.UpdateAsync(desktop, cancellationToken); // a conflict is settled next round
        }

        var actions = services.GetRequiredService<DesktopActions>();
        foreach (var id in plan.Admissions)
        {
            if (await desktops.FindAsync(id, cancellationToken) is { State: DesktopState.CheckOutRequested } waiting)
            {
                await actions.ApplyAsync("broker:reconcile", waiting, [new CheckOutAdmitted(waiting.Epoch)], cancellationToken);
            }
        }

        await commands.DispatchAsync(plan.HostCommands.SelectMany(group => group), cancellationToken, relay: false);
        await commands.DispatchAsync(plan.DeviceCommands.SelectMany(group => group), cancellationToken, relay: false);
    }

    /// <summary>
    /// Every host; the desktops of reporting hosts and those devices report copies of; the reporting
    /// devices and every device stored online (so an instance marks a device offline from its stored
    /// last-seen time wherever it was connected, and admits a check-out to a device connected to
    /// another instance); the promotions hosts still owe. A fixed number of queries however many agents report.
    /// </summary>
    private static async Task<DesiredState> LoadDesiredAsync(
        IServiceProvider services, List<HostReport> hostReports, List<DeviceReport> deviceReports, CancellationToken cancellationToken)
    {
        var desktopStore = services.GetRequiredService<IDesktopStore>();
        var onHosts = await desktopStore.ListByHostsAsync([.. hostReports.Select(report => report.Host).Distinct()], cancellationToken);
        var desktops = onHosts.ToDictionary(desktop => desktop.Id);
        var copiesElsewhere = deviceReports.SelectMany(report => report.Copies).Select(copy => copy.Desktop)
            .Where(id => !desktops.ContainsKey(id)).Distinct().ToList();
        if (copiesElsewhere.Count > 0)
        {
            foreach (var desktop in await desktopStore.FindManyAsync(copiesElsewhere, cancellationToken))
            {
                desktops.Add(desktop.Id, desktop);
            }
        }

        var deviceStore = services.GetRequiredService<IDeviceStore>();
        var devices = (await deviceStore.ListOnlineAsync(cancellationToken)).ToDictionary(device => device.Id);
        var offlineReporting = deviceReports.Select(report => report.Device).Where(id => !devices.ContainsKey(id)).Distinct().ToList();
        if (offlineReporting.Count > 0)
        {
            foreach (var device in await deviceStore.FindManyAsync(offlineReporting, cancellationToken))
            {
                devices.Add(device.Id, device);
            }
        }

        return new DesiredState(
            [.. desktops.Values],
            await services.GetRequiredService<IPoolStore>().ListAsync(cancellationToken),
            await services.GetRequiredService<IHostStore>().ListAsync(cancellationToken),
            [.. devices.Values])
        {
            Promotions = await services.GetRequiredService<IQuarantineStore>().ListAwaitingPromotionAsync(cancellationToken),
        };
    }

    private ReconcileOptions ReconcileOptions() => Core.Reconciliation.ReconcileOptions.Default with
    {
        HostHeartbeat = options.Value.HostHeartbeat,
        DeviceHeartbeat = options.Value.DeviceHeartbeat,
    };

    [LoggerMessage(EventId = 1300, Level = LogLevel.Error, Message = "A reconcile round failed; the next round retries")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
