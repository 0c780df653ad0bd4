using Broker.Disks.State;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.State;

/// <summary>
/// The agent's <see cref="AgentState"/> in a twin-copy store: every update is one durable
/// transaction. Updates are serialized; reads see the last committed state.
/// </summary>
internal sealed class AgentStateStore : IAsyncDisposable
{
    private const string StoreName = "agent-state";

    private readonly TwinCopyJsonStore<AgentState> _store;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private AgentStateStore(TwinCopyJsonStore<AgentState> store) => _store = store;

    /// <summary>The last committed state.</summary>
    public AgentState Current => _store.Read() ?? AgentState.Empty;

    /// <summary>Opens (or creates) the store in <paramref name="dataDirectory"/>.</summary>
    public static async Task<AgentStateStore> OpenAsync(IStorage storage, string dataDirectory, CancellationToken cancellationToken)
    {
        storage.CreateDirectory(dataDirectory);
        var store = await TwinCopyStore.OpenJsonAsync(storage, Path.Combine(dataDirectory, StoreName), AgentStateJsonContext.Default.AgentState, cancellationToken).ConfigureAwait(false);
        return new AgentStateStore(store);
    }

    /// <summary>Applies <paramref name="update"/> to the current state and commits the result durably.</summary>
    public async Task<AgentState> UpdateAsync(Func<AgentState, AgentState> update, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _store.UpdateAsync(current => update(current ?? AgentState.Empty), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>Replaces desktop <paramref name="desktopId"/>'s record by <paramref name="change"/> of it; no-op when it is gone.</summary>
    public Task<AgentState> UpdateDesktopAsync(string desktopId, Func<LocalDesktopRecord, LocalDesktopRecord> change, CancellationToken cancellationToken) =>
        UpdateAsync(state => state.ById(desktopId) is { } held ? state.With(change(held)) : state, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
