using System.Collections.Concurrent;

namespace Broker.Transfer.Host;

/// <summary>A <see cref="IDesktopRegistry"/> kept in memory: set a desktop's state, read it back. Thread-safe.</summary>
#pragma warning disable CA1001 // The semaphore is never asked for its wait handle, so it holds nothing to release.
public sealed class InMemoryDesktopRegistry : IDesktopRegistry
#pragma warning restore CA1001
{
    private readonly ConcurrentDictionary<string, TransferDesktop> _desktops = new(StringComparer.Ordinal);

    // Held by a setter and by a settled-authority action, so neither sees the other half done.
    private readonly SemaphoreSlim _authority = new(1, 1);

    /// <summary>Adds or replaces a desktop (waits while a settled-authority action runs).</summary>
    public void Set(TransferDesktop desktop)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        _authority.Wait();
        try
        {
            _desktops[desktop.DesktopId] = desktop;
        }
        finally
        {
            _ = _authority.Release();
        }
    }

    /// <inheritdoc />
    public TransferDesktop? Find(string desktopId) => _desktops.GetValueOrDefault(desktopId);

    /// <inheritdoc />
    /// <remarks>The bases of the desktops set here.</remarks>
    public string? FindBase(string contentAddress) =>
        _desktops.Values.Select(desktop => desktop.Layers.Manifest).FirstOrDefault(chain => string.Equals(chain.BaseAddress, contentAddress, StringComparison.Ordinal))?.BasePath;

    /// <inheritdoc />
    public async Task WithSettledAuthorityAsync(string desktopId, Func<TransferDesktop?, Task> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        await _authority.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await action(Find(desktopId)).ConfigureAwait(false);
        }
        finally
        {
            _ = _authority.Release();
        }
    }
}
