using Broker.Transfer.Client;

namespace Broker.ClientAgent.Desktops;

/// <summary>What the agent holds in memory for one desktop: its runtime, operation gate, activity and progress.</summary>
internal sealed class DesktopLive : IAsyncDisposable
{
    /// <summary>One operation (pull completion, start, stop, sync, check-in) at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The open local copy, or null while it is not pulled or is closed.</summary>
    public DesktopRuntime? Runtime { get; set; }

    /// <summary>Cancels the pull in progress (pause, cancel).</summary>
    public CancellationTokenSource? PullCancellation { get; set; }

    /// <summary>The pull in progress.</summary>
    public Task? Pull { get; set; }

    public DesktopActivity? Activity { get; set; }

    public TransferProgress? Transfer { get; set; }

    public string? Message { get; set; }

    public async ValueTask DisposeAsync()
    {
        if (PullCancellation is { } pull)
        {
            await pull.CancelAsync().ConfigureAwait(false);
        }

        if (Pull is { } running)
        {
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (Runtime is { } runtime)
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
        }

        PullCancellation?.Dispose();
        Gate.Dispose();
    }
}
