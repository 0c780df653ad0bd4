using System.Runtime.CompilerServices;
using Broker.Nbd.Protocol;

namespace Broker.Nbd.Internal;

/// <summary>
/// One admitted request, pooled per connection so the hot path allocates nothing: the header, the
/// rented buffer (write payload, or reply header plus read data), the device the gate admitted it
/// to, and the awaiter that observes its execution when that completes asynchronously. It is its
/// own thread-pool work item, for requests the read loop hands off instead of running inline.
/// </summary>
internal sealed class NbdRequest : IThreadPoolWorkItem
{
    private readonly NbdConnection _connection;
    private readonly Action _onExecuted;
    private ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter _execution;

    public NbdRequest(NbdConnection connection)
    {
        _connection = connection;
        _onExecuted = OnExecuted;
    }

    public RequestHeader Header { get; private set; }

    /// <summary>Rented from the shared pool; returned by the connection when the request completes.</summary>
    public byte[]? Buffer { get; private set; }

    public IBlockDevice Device { get; private set; } = null!;

    public ExportGate Gate { get; private set; } = null!;

    public void Set(in RequestHeader header, byte[]? buffer, IBlockDevice device, ExportGate gate)
    {
        Header = header;
        Buffer = buffer;
        Device = device;
        Gate = gate;
    }

    public void Clear()
    {
        Buffer = null;
        Device = null!;
        Gate = null!;
    }

    /// <summary>Queues <see cref="Start"/> to the thread pool, so the caller goes on at once.</summary>
    public void Dispatch() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => Start();

    /// <summary>Starts execution; completion (now or later) hands the request back to the connection.</summary>
    public void Start()
    {
        var execution = _connection.ExecuteAsync(this);
        if (execution.IsCompleted)
        {
            execution.GetAwaiter().GetResult();
            _connection.Complete(this);
            return;
        }

        _execution = execution.ConfigureAwait(false).GetAwaiter();
        _execution.UnsafeOnCompleted(_onExecuted);
    }

    private void OnExecuted()
    {
        var execution = _execution;
        _execution = default;

        // GetResult returns the pooled state machine box; ExecuteAsync itself never throws.
        execution.GetResult();
        _connection.Complete(this);
    }
}
