using Broker.Core.Cluster;

namespace Broker.Persistence.Cluster;

/// <summary>The bus of a broker on SQLite, which serves one instance: there is nobody to tell.</summary>
internal sealed class SingleInstanceBus : IClusterBus
{
    public int MaxPayloadBytes => int.MaxValue;

    public Task PublishAsync(string payload, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task ListenAsync(Func<string, CancellationToken, Task> received, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
