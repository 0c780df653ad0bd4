using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Broker.Qemu.Qmp;

/// <summary>
/// A QMP connection over a unix socket: negotiates capabilities, runs commands (several may be in
/// flight; each reply is matched to its request by id) and delivers asynchronous events in order.
/// </summary>
public sealed class QmpClient : IAsyncDisposable
{
    /// <summary>Unread events kept; when full the oldest is dropped, so a client nobody reads events from stays bounded.</summary>
    public const int EventCapacity = 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly QmpLineReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, PendingCommand> _pending = new();
    private readonly Channel<QmpEvent> _events = Channel.CreateBounded<QmpEvent>(
        new BoundedChannelOptions(EventCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true });
    private readonly CancellationTokenSource _disposing = new();
    private Task _readLoop = Task.CompletedTask;
    private Exception? _closedBecause;
    private long _nextId;
    private int _disposed;

    /// <summary>Takes ownership of the connected <paramref name="socket"/>.</summary>
    private QmpClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new QmpLineReader(_stream);
        Greeting = new QmpGreeting(string.Empty, []);
    }

    /// <summary>What QEMU announced when the connection opened.</summary>
    public QmpGreeting Greeting { get; private set; }

    /// <summary>
    /// Events in the order QEMU sent them. Completes when the connection closes (with the
    /// <see cref="InvalidDataException"/> if that is why it closed).
    /// </summary>
    public ChannelReader<QmpEvent> Events => _events.Reader;

    /// <summary>Completes when the connection has closed, for whatever reason. Never faults.</summary>
    public Task Completion => _readLoop;

    /// <summary>Connects to QEMU's QMP socket, reads the greeting and leaves capabilities negotiation mode.</summary>
    public static async Task<QmpClient> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new QmpClient(socket);
        try
        {
            await client.HandshakeAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="command"/> and returns its <c>return</c> value. Throws
    /// <see cref="QmpErrorException"/> for an error reply, <see cref="IOException"/> when the
    /// connection closes first and <see cref="InvalidDataException"/> when QEMU sent a malformed
    /// message (which also closes the connection). Cancelling abandons the wait, not the command:
    /// QEMU may still run it.
    /// </summary>
    public async Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();

        var id = Interlocked.Increment(ref _nextId);
        var pending = new PendingCommand(command);
        _pending[id] = pending;
        try
        {
            // The read loop fails every pending command when the connection closes; a command added
            // after that sweep must see the reason here instead of waiting forever.
            if (Volatile.Read(ref _closedBecause) is { } closed)
            {
                pending.Fail(closed);
            }
            else
            {
                await SendAsync(command, arguments, id, cancellationToken).ConfigureAwait(false);
            }

            return await pending.Reply.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Runs <c>query-status</c>.</summary>
    public async Task<QmpStatus> QueryStatusAsync(CancellationToken cancellationToken = default)
    {
        var reply = await ExecuteAsync("query-status", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (reply.ValueKind != JsonValueKind.Object
            || !reply.TryGetProperty("running", out var running)
            || running.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
            || !reply.TryGetProperty("status", out var status)
            || status.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException($"query-status reply lacks 'running' or 'status': {reply.GetRawText()}");
        }

        return new QmpStatus(running.GetBoolean(), status.GetString()!);
    }

    /// <summary>Pauses the guest's CPUs (<c>stop</c>).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("stop", cancellationToken: cancellationToken);

    /// <summary>Resumes the guest's CPUs (<c>cont</c>).</summary>
    public Task ContinueAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("cont", cancellationToken: cancellationToken);

    /// <summary>Presses the ACPI power button (<c>system_powerdown</c>); the guest may ignore it.</summary>
    public Task SystemPowerdownAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("system_powerdown", cancellationToken: cancellationToken);

    /// <summary>
    /// Asks QEMU to exit at once (<c>quit</c>). The connection closing before the reply arrives
    /// counts as success: that is QEMU doing what was asked.
    /// </summary>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await ExecuteAsync("quit", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (IOException) when (Volatile.Read(ref _closedBecause) is IOException)
        {
            // QEMU closed the connection on its way out.
        }
    }

    /// <summary>Closes the connection. Pending commands fail with <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Close(new ObjectDisposedException(nameof(QmpClient)));
        await _disposing.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _readLoop.ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _disposing.Dispose();
        _writeLock.Dispose();
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new IOException("QMP connection closed before the greeting.");
        Greeting = QmpMessages.ParseGreeting(line, _reader.MessageOffset);
        _readLoop = Task.Run(ReadLoopAsync, CancellationToken.None);
        await ExecuteAsync("qmp_capabilities", cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(string command, JsonObject? arguments, long id, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("execute", command);
            if (arguments is not null)
            {
                writer.WritePropertyName("arguments");
                arguments.WriteTo(writer);
            }

            writer.WriteNumber("id", id);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);

        // Once the lock is held the message is written whole: abandoning a write half way would
        // leave a partial line that corrupts the next command. Only disposal interrupts it.
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(buffer.WrittenMemory, _disposing.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            throw new IOException($"QMP connection closed while sending '{command}'.", exception);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception reason;
        try
        {
            while (await _reader.ReadLineAsync(_disposing.Token).ConfigureAwait(false) is { } line)
            {
                Dispatch(QmpMessages.Parse(line, _reader.MessageOffset));
            }

            reason = new IOException("QMP connection closed by QEMU.");
        }
        catch (InvalidDataException exception)
        {
            reason = exception;
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason = new IOException("QMP connection lost.", exception);
        }

        Close(reason);
    }

    private void Dispatch(QmpMessage message)
    {
        switch (message)
        {
            case QmpMessage.Event { Value: var qmpEvent }:
                _events.Writer.TryWrite(qmpEvent);
                break;
            case QmpMessage.Reply reply:
                if (FindPending(reply.Id) is { } pending)
                {
                    if (reply.Error is { } error)
                    {
                        pending.Fail(new QmpErrorException(pending.Command, error.Class, error.Description));
                    }
                    else
                    {
                        pending.Complete(reply.Return);
                    }
                }

                break;
            case QmpMessage.Other:
                break;
        }
    }

    /// <summary>
    /// The command a reply answers. QEMU echoes our id; a reply without one (QEMU could not parse
    /// the request) answers the oldest command, since QEMU handles commands in order.
    /// </summary>
    private PendingCommand? FindPending(long? id)
    {
        if (id is { } known)
        {
            return _pending.TryGetValue(known, out var pending) ? pending : null;
        }

        var oldest = _pending.Keys.DefaultIfEmpty(-1).Min();
        return oldest >= 0 && _pending.TryGetValue(oldest, out var first) ? first : null;
    }

    /// <summary>Records why the connection ended, fails every pending command and ends the event stream. First reason wins.</summary>
    private void Close(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _closedBecause, reason, null) is not null)
        {
            return;
        }

        foreach (var pending in _pending.Values)
        {
            pending.Fail(reason);
        }

        _events.Writer.TryComplete(reason as InvalidDataException);
    }
}
