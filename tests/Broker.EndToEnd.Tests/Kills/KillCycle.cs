using Broker.EndToEnd.Tests.Harness;

namespace Broker.EndToEnd.Tests.Kills;

/// <summary>
/// Check-out, sync and check-in of the demo's counter desktop with one planned kill in each phase
/// (<see cref="KillPlan"/>). After each phase every daemon is up again and the desktop must reach
/// the phase's stable state by itself within <see cref="StableLimit"/>; after the cycle the host's
/// boot continues the count from the laptop's last boot (nothing acknowledged is lost), every
/// desktop of the pool is Available, the host's chain files pass <c>brokerctl disk check</c> and no
/// QEMU of the desktop is left running. Boots are counted across cycles.
/// </summary>
internal sealed class KillCycle(DemoWorld world, DemoDesktop desktop, Supervisor daemons)
{
    /// <summary>A killed daemon restarts, reconnects with backoff and resumes its durable work; TCG and a loaded machine included.</summary>
    private static readonly TimeSpan StableLimit = TimeSpan.FromMinutes(3);

    /// <summary>The boots of the counter guest so far, on either side.</summary>
    public int Boots { get; private set; }

    /// <summary>Boots the desktop on the host (the count's start) and stops it.</summary>
    public async Task BootOnHostAsync(CancellationToken cancellationToken)
    {
        await daemons.UntilAsync($"the broker to start {desktop.Name}", async token => { await desktop.User.StartAsync(desktop.Id, token); return true; }, started => started, StableLimit, cancellationToken);
        Boots++;
        await CounterConsole.WaitForBootAsync(desktop.HostConsole, Boots, cancellationToken);
        QemuProcessesOfDesktop().Count.ShouldBeLessThanOrEqualTo(1, "one QEMU at most runs the server copy (the guest may have powered off already)");
        await daemons.UntilAsync($"the broker to stop {desktop.Name}", async token => { await desktop.User.StopAsync(desktop.Id, token); return true; }, stopped => stopped, StableLimit, cancellationToken);
        await Polling.UntilAsync($"the host's QEMU of {desktop.Name} to exit", _ => Task.FromResult(QemuProcessesOfDesktop()), running => running.Count == 0, StableLimit, cancellationToken);
    }

    /// <summary>One cycle under <paramref name="kills"/> (one per phase, in order): check-out, a laptop boot, sync, a laptop boot, check-in, a host boot.</summary>
    public async Task RunAsync(IReadOnlyList<PlannedKill> kills, CancellationToken cancellationToken)
    {
        var laptop = desktop.Laptop;
        await UnderKillAsync(kills[0], token => laptop.RunAsync("checkout", desktop.Name, token), SettleCheckOutAsync, cancellationToken);
        await BootOnLaptopAsync(cancellationToken);

        var lastSync = UserApi.LastSyncAt(await desktop.User.DesktopAsync(desktop.Id, cancellationToken));
        await UnderKillAsync(kills[1], token => laptop.SyncAsync(desktop.Name, token), token => SettleSyncAsync(lastSync, token), cancellationToken);
        await BootOnLaptopAsync(cancellationToken);

        await UnderKillAsync(kills[2], token => laptop.RunAsync("checkin", desktop.Name, token), SettleCheckInAsync, cancellationToken);
        await BootOnHostAsync(cancellationToken);
        await CheckHostChainAsync(cancellationToken);
    }

    /// <summary>
    /// Gives the phase's <paramref name="command"/> with <paramref name="kill"/> under way (the point
    /// armed before it, or the SIGKILL after its delay), then waits for <paramref name="settle"/>. A
    /// command the kill hit is given again, as its user would; the phase's stable state must come.
    /// </summary>
    private async Task UnderKillAsync(PlannedKill kill, Func<CancellationToken, Task> command, Func<CancellationToken, Task> settle, CancellationToken cancellationToken)
    {
        var daemon = daemons[kill.Daemon];
        var crashes = kill.CrashPoint is { } armed ? daemon.TimesCrashedAt(armed) : 0;
        if (kill.CrashPoint is { } point)
        {
            await daemon.KillAsync(cancellationToken);
            await daemon.StartAsync(point);
        }

        var commanded = daemons.UntilAsync($"{kill}: the command to be taken", async token => { await command(token); return true; }, taken => taken, StableLimit, cancellationToken);
        if (kill.CrashPoint is null)
        {
            // The supervisor starts it again at its next look.
            await Task.Delay(kill.Delay, cancellationToken);
            await daemon.KillAsync(cancellationToken);
        }

        _ = await commanded;
        await settle(cancellationToken);
        if (kill.CrashPoint is { } reached)
        {
            daemon.TimesCrashedAt(reached).ShouldBe(crashes + 1, $"{kill}: the armed point is reached once in this phase");
        }
    }

    private async Task SettleCheckOutAsync(CancellationToken cancellationToken)
    {
        await daemons.UntilAsync($"{desktop.Name} to be ready on the laptop", token => desktop.Laptop.StatusAsync(desktop.Name, token), status => LocalDesktops.PhaseOf(status) == "LOCAL_PHASE_READY", StableLimit, cancellationToken);
        _ = await WaitForBrokerStateAsync("CheckedOut", cancellationToken);
        QemuProcessesOfDesktop().ShouldBeEmpty("the server copy is locked and the laptop's is not started");
    }

    private async Task SettleSyncAsync(DateTimeOffset? before, CancellationToken cancellationToken)
    {
        // A sync the kill cut short is asked again, as the user (or the next background sync) would.
        await daemons.UntilAsync($"{desktop.Name}'s sync to leave nothing pending", token => desktop.Laptop.SyncAsync(desktop.Name, token), synced => LocalDesktops.PendingLayers(synced) == 0, StableLimit, cancellationToken);
        await daemons.UntilAsync(
            $"the broker to record a sync of {desktop.Name} after {before?.ToString("O") ?? "none"}",
            token => desktop.User.DesktopAsync(desktop.Id, token),
            shown => UserApi.LastSyncAt(shown) is { } at && (before is null || at > before),
            StableLimit,
            cancellationToken);
    }

    private async Task SettleCheckInAsync(CancellationToken cancellationToken)
    {
        var id = desktop.Id.ToString();
        await daemons.UntilAsync($"{desktop.Name} to leave the laptop", async token => string.Join(", ", await desktop.Laptop.IdsAsync(token)), ids => !ids.Contains(id, StringComparison.OrdinalIgnoreCase), StableLimit, cancellationToken);
        _ = await WaitForBrokerStateAsync("Available", cancellationToken);
        await daemons.UntilAsync(
            "every desktop of pool demo to be Available",
            token => world.Admin.AdminJsonAsync(token, "desktops", "list", "--pool", "demo"),
            listed => listed.GetProperty("items").EnumerateArray().All(item => item.GetProperty("state").GetString() == "Available"),
            StableLimit,
            cancellationToken);
    }

    private Task<string?> WaitForBrokerStateAsync(string state, CancellationToken cancellationToken) =>
        daemons.UntilAsync($"the broker to show {desktop.Name} {state}", async token => (await desktop.User.DesktopAsync(desktop.Id, token)).GetProperty("state").GetString(), shown => shown == state, StableLimit, cancellationToken);

    private async Task BootOnLaptopAsync(CancellationToken cancellationToken)
    {
        await desktop.Laptop.RunAsync("start", desktop.Name, cancellationToken);
        Boots++;
        await CounterConsole.WaitForBootAsync(desktop.LaptopConsole, Boots, cancellationToken);
        await desktop.Laptop.WaitUntilOffAsync(desktop.Name, cancellationToken);
        await Polling.UntilAsync($"the laptop's QEMU of {desktop.Name} to exit", _ => Task.FromResult(QemuProcessesOfDesktop()), running => running.Count == 0, StableLimit, cancellationToken);
    }

    /// <summary>
    /// Every VHDX file of the desktop's directory on the host (the chain, branches, quarantine; not
    /// half-received staging files) passes <c>brokerctl disk check</c>. The host agent holds its
    /// chains open, so it is stopped first (SIGTERM: it closes them, a killed run's log replayed) and
    /// started again after.
    /// </summary>
    private async Task CheckHostChainAsync(CancellationToken cancellationToken)
    {
        await daemons[KillPlan.Host].StopAsync(cancellationToken);
        var files = Directory.EnumerateFiles(Path.GetDirectoryName(desktop.HostConsole)!, "*", SearchOption.AllDirectories)
            .Where(file => file.EndsWith(".vhdx", StringComparison.Ordinal) || file.EndsWith(".avhdx", StringComparison.Ordinal))
            .Where(file => !Path.GetFileName(file).StartsWith("staging-", StringComparison.Ordinal))
            .ToList();
        files.ShouldNotBeEmpty("the desktop's chain is on the host");
        foreach (var file in files)
        {
            var result = await Broker.Testing.ExternalTool.RunAsync(BuildOutput.Brokerctl, ["disk", "check", file], cancellationToken);
            result.ExitCode.ShouldBe(0, $"brokerctl disk check {file}: {result}");
        }

        await daemons.ReviveAsync();
    }

    /// <summary>QEMU processes whose command line names the desktop (its serial log and NBD socket are under its id).</summary>
    private List<string> QemuProcessesOfDesktop() =>
        [.. ProcessTable.CommandLinesContaining(desktop.Id.ToString()).Where(commandLine => commandLine.Contains("qemu-system", StringComparison.Ordinal))];
}
