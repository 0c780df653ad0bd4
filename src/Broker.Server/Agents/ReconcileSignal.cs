using System.Threading.Channels;

namespace Broker.Server.Agents;

/// <summary>Wakes the reconcile loop early; many wakes before it runs make one round.</summary>
internal sealed class ReconcileSignal
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks for a round soon.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Waits for a wake or <paramref name="interval"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(interval);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval passed without a wake.
        }
    }
}
