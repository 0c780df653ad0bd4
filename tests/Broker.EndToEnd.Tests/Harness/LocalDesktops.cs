using System.Text.Json;

namespace Broker.EndToEnd.Tests.Harness;

/// <summary>
/// <c>brokerctl desktop …</c> against one client agent's socket, as the laptop's user types it.
/// Desktops are named by what the user sees (name or id); JSON is the agent's <c>LocalDesktop</c>.
/// </summary>
internal sealed class LocalDesktops(Brokerctl brokerctl, string socket)
{
    /// <summary>A step of a check-out: pulling, then awaiting the lease, takes a while under TCG and load.</summary>
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(2);

    /// <summary><c>brokerctl desktop checkout|start|stop|checkin NAME</c>; fails the test when it does not exit 0.</summary>
    public Task RunAsync(string verb, string desktop, CancellationToken cancellationToken) =>
        brokerctl.RunAsync(["desktop", verb, desktop, "--socket", socket], cancellationToken);

    /// <summary><c>brokerctl desktop status NAME --json</c>.</summary>
    public async Task<JsonElement> StatusAsync(string desktop, CancellationToken cancellationToken) =>
        Parse(await brokerctl.RunAsync(["desktop", "status", desktop, "--json", "--socket", socket], cancellationToken));

    /// <summary>
    /// <c>brokerctl desktop sync NAME --json</c>: the agent seals the top under the VM and answers once
    /// the host acknowledged every sealed layer; fails the test when the sync is refused or queued.
    /// </summary>
    public async Task<JsonElement> SyncAsync(string desktop, CancellationToken cancellationToken) =>
        Parse(await brokerctl.RunAsync(["desktop", "sync", desktop, "--json", "--socket", socket], cancellationToken));

    /// <summary>The ids in <c>brokerctl desktop list --json</c>.</summary>
    public async Task<IReadOnlyList<string>> IdsAsync(CancellationToken cancellationToken)
    {
        var list = Parse(await brokerctl.RunAsync(["desktop", "list", "--json", "--socket", socket], cancellationToken));
        return list.TryGetProperty("desktops", out var desktops)
            ? [.. desktops.EnumerateArray().Select(desktop => desktop.GetProperty("desktopId").GetString() ?? string.Empty)]
            : [];
    }

    /// <summary>Polls the status until its phase is <paramref name="phase"/> (e.g. <c>LOCAL_PHASE_READY</c>).</summary>
    public Task<JsonElement> WaitForPhaseAsync(string desktop, string phase, CancellationToken cancellationToken) =>
        Polling.UntilAsync($"{desktop} to reach {phase}", token => StatusAsync(desktop, token), status => PhaseOf(status) == phase, StepLimit, cancellationToken);

    /// <summary>Polls the list until <paramref name="desktopId"/> is gone from it: the agent released its local copy.</summary>
    public Task WaitUntilReleasedAsync(Guid desktopId, CancellationToken cancellationToken) =>
        Polling.UntilAsync($"{desktopId} to leave this machine", async token => string.Join(", ", await IdsAsync(token)), ids => !ids.Contains(desktopId.ToString(), StringComparison.OrdinalIgnoreCase), StepLimit, cancellationToken);

    /// <summary>Polls the status until the VM is off: the guest powered off by itself, or a stop took effect.</summary>
    public Task<JsonElement> WaitUntilOffAsync(string desktop, CancellationToken cancellationToken) =>
        Polling.UntilAsync($"{desktop}'s VM to be off", token => StatusAsync(desktop, token), status => !IsRunning(status), StepLimit, cancellationToken);

    /// <summary>Whether a status says the VM runs (protobuf's JSON leaves <c>false</c> out).</summary>
    public static bool IsRunning(JsonElement status) => status.TryGetProperty("running", out var running) && running.GetBoolean();

    /// <summary>A status's sealed layers the host has not acknowledged yet (protobuf's JSON leaves a zero out).</summary>
    public static uint PendingLayers(JsonElement status) => status.TryGetProperty("pendingLayers", out var pending) ? pending.GetUInt32() : 0;

    /// <summary>A status's phase (e.g. <c>LOCAL_PHASE_READY</c>); empty when it has none.</summary>
    public static string PhaseOf(JsonElement status) => status.TryGetProperty("phase", out var phase) ? phase.GetString() ?? string.Empty : string.Empty;

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
