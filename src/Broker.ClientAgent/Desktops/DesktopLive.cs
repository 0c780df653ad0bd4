using Broker.Transfer.Client;

namespace Broker.ClientAgent.Desktops;

/// <summary>What the agent holds in memory for one desktop: its runtime, operation gate, background work, activity and progress.</summary>
internal sealed class DesktopLive : IAsyncDisposable
{
    /// <summary>One operation (pull completion, start, stop, sync, check-in) at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The open local copy, or null while it is not pulled or is closed.</summary>
    public DesktopRuntime? Runtime { get; set; }

    /// <summary>The pull in progress.</summary>
    public BackgroundWork Pull { get; } = new();

    /// <summary>The check-in in progress (stop, seal, report, push).</summary>
    public BackgroundWork CheckIn { get; } = new();

    /// <summary>The revoke in progress (stop, seal, push to quarantine, wipe or keep).</summary>
    public BackgroundWork Revoke { get; } = new();

    public DesktopActivity? Activity { get; set; }

    public TransferProgress? Transfer { get; set; }

    public string? Message { get; set; }

    public async ValueTask DisposeAsync()
    {
        await Pull.StopAsync().ConfigureAwait(false);
        await CheckIn.StopAsync().ConfigureAwait(false);
        await Revoke.StopAsync().ConfigureAwait(false);
        if (Runtime is { } runtime)
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
        }

        Gate.Dispose();
    }
}
