using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Broker.Disks.State;

/// <summary>
/// A <see cref="TwinCopyStore"/> holding one value of <typeparamref name="T"/> as UTF-8 JSON,
/// serialised with a caller-supplied (source-generated) <see cref="JsonTypeInfo{T}"/>. Opened with
/// <see cref="TwinCopyStore.OpenJsonAsync"/>.
/// </summary>
public sealed class TwinCopyJsonStore<T> : IAsyncDisposable
{
    private readonly TwinCopyStore _store;
    private readonly JsonTypeInfo<T> _typeInfo;

    /// <summary>Wraps an open store; <see cref="TwinCopyStore.OpenJsonAsync"/> is the way to get one.</summary>
    internal TwinCopyJsonStore(TwinCopyStore store, JsonTypeInfo<T> typeInfo)
    {
        _store = store;
        _typeInfo = typeInfo;
    }

    /// <summary>The store's path; see <see cref="TwinCopyStore.Path"/>.</summary>
    public string Path => _store.Path;

    /// <summary>Sequence number of the last commit; 0 while never committed.</summary>
    public ulong Sequence => _store.Sequence;

    /// <summary>True while the store has never been committed (then <see cref="Read"/> returns default).</summary>
    public bool IsEmpty => _store.IsEmpty;

    /// <summary>
    /// The last committed value, deserialised afresh on every call (so callers may modify what
    /// they get); default when the store is empty.
    /// </summary>
    public T? Read()
    {
        var (isEmpty, value) = _store.ReadSnapshot();
        return Deserialize(value, isEmpty);
    }

    /// <summary>Commits <paramref name="value"/>; see <see cref="TwinCopyStore.CommitAsync"/>.</summary>
    public ValueTask CommitAsync(T value, CancellationToken cancellationToken) =>
        _store.CommitAsync(JsonSerializer.SerializeToUtf8Bytes(value, _typeInfo), cancellationToken);

    /// <summary>
    /// Read-modify-write under the store's writer lock: <paramref name="update"/> gets the committed
    /// value (default when empty) and returns the value to commit, which this returns once durable.
    /// </summary>
    public async ValueTask<T> UpdateAsync(Func<T?, T> update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var result = default(T)!;
        _ = await _store.UpdateAsync(
            committed =>
            {
                result = update(Deserialize(committed, _store.IsEmpty));
                return JsonSerializer.SerializeToUtf8Bytes(result, _typeInfo);
            },
            cancellationToken);
        return result;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private T? Deserialize(ReadOnlyMemory<byte> bytes, bool empty)
    {
        if (empty)
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes.Span, _typeInfo);
        }
        catch (JsonException exception)
        {
            throw new StateStoreCorruptException(
                $"State store '{Path}': the committed copy passes its checksum but is not a valid {typeof(T).Name} (JSON byte {exception.BytePositionInLine}, line {exception.LineNumber}).",
                exception)
            {
                StorePath = Path,
            };
        }
    }
}
