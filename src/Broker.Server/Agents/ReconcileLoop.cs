using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Broker.Core.Reconciliation;
using Broker.Server.Desktops;
using Microsoft.Extensions.Options;

namespace Broker.Server.Agents;

/// <summary>
/// The reconcile loop: each round compares the stored desired state with what the agents connected
/// to this instance last reported (<see cref="Reconciler"/>), saves hosts and devices that went
/// offline, admits waiting check-outs and sends the commands. Rounds run every
/// <see cref="AgentOptions.ReconcileInterval"/> and sooner when an agent reports.
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
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(options.Value.ReconcileInterval, stoppingToken);
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

        foreach (var host in plan.HostChanges)
        {
            await hosts.UpdateAsync(host, cancellationToken); // a conflict is settled next round
        }

        foreach (var device in plan.DeviceChanges)
        {
            await devices.UpdateAsync(device, cancellationToken);
        }

        var actions = services.GetRequiredService<DesktopActions>();
        foreach (var id in plan.Admissions)
        {
            if (await desktops.FindAsync(id, cancellationToken) is { State: DesktopState.CheckOutRequested } waiting)
            {
                await actions.ApplyAsync("broker:reconcile", waiting, [new CheckOutAdmitted(waiting.Epoch)], cancellationToken);
            }
        }

        await commands.DispatchAsync(plan.HostCommands.SelectMany(group => group), cancellationToken);
        await commands.DispatchAsync(plan.DeviceCommands.SelectMany(group => group), cancellationToken);
    }

    /// <summary>Every host; the desktops of reporting hosts and those devices report copies of; the reporting devices.</summary>
    private static async Task<DesiredState> LoadDesiredAsync(
        IServiceProvider services, List<HostReport> hostReports, List<DeviceReport> deviceReports, CancellationToken cancellationToken)
    {
        var desktopStore = services.GetRequiredService<IDesktopStore>();
        var deviceStore = services.GetRequiredService<IDeviceStore>();
        var desktops = new Dictionary<DesktopId, Desktop>();
        foreach (var report in hostReports)
        {
            foreach (var desktop in await desktopStore.ListByHostAsync(report.Host, cancellationToken))
            {
                desktops.TryAdd(desktop.Id, desktop);
            }
        }

        var devices = new List<Device>();
        foreach (var report in deviceReports)
        {
            if (await deviceStore.FindAsync(report.Device, cancellationToken) is { } device)
            {
                devices.Add(device);
            }

            foreach (var copy in report.Copies.Where(copy => !desktops.ContainsKey(copy.Desktop)))
            {
                if (await desktopStore.FindAsync(copy.Desktop, cancellationToken) is { } desktop)
                {
                    desktops.Add(desktop.Id, desktop);
                }
            }
        }

        return new DesiredState(
            [.. desktops.Values],
            await services.GetRequiredService<IPoolStore>().ListAsync(cancellationToken),
            await services.GetRequiredService<IHostStore>().ListAsync(cancellationToken),
            devices);
    }

    private ReconcileOptions ReconcileOptions() => Core.Reconciliation.ReconcileOptions.Default with
    {
        HostHeartbeat = options.Value.HostHeartbeat,
        DeviceHeartbeat = options.Value.DeviceHeartbeat,
    };

    [LoggerMessage(EventId = 1300, Level = LogLevel.Error, Message = "A reconcile round failed; the next round retries")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
