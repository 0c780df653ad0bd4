using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Broker.Nbd.Internal;

/// <summary>
/// One client session: handshake, then the transmission loop, on a thread of its own with blocking
/// socket calls, as a request then costs one wake-up of that thread and no hop through the socket
/// event loop or the thread pool. The loop reads requests in order and starts each one without
/// waiting for the previous; replies are written as requests finish, one at a time under
/// <see cref="_sendLock"/>. The connection owns and disposes its socket.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim needs disposal only once its wait handle is used, and it never is.")]
internal sealed partial class NbdConnection
{
    private readonly Socket _socket;
    private readonly ExportCatalog _exports;
    private readonly NbdServerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    // Guards the socket's send side: every reply is written whole before the next starts.
    private readonly Lock _sendLock = new();

    // Scratch for replies without payload; only touched while holding _sendLock.
    private readonly byte[] _replyHeader = new byte[Protocol.SimpleReplyHeader.Size];

    // One slot per executing request; the read loop waits for a slot before reading on (back-pressure).
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentQueue<NbdRequest> _requestPool = new();

    private int _running;

    // Set when the session ends; the request that then brings _running to zero releases _drained.
    private int _ending;
    private readonly SemaphoreSlim _drained = new(0, 1);

    public NbdConnection(long id, Socket socket, ExportCatalog exports, NbdServerOptions options, TimeProvider timeProvider, ILogger logger)
    {
        Id = id;
        _socket = socket;
        _exports = exports;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _slots = new SemaphoreSlim(options.MaxInFlightRequestsPerConnection, options.MaxInFlightRequestsPerConnection);
    }

    public long Id { get; }

    /// <summary>
    /// Serves the session until the client disconnects, breaks the protocol or
    /// <paramref name="stopping"/> fires; then waits for executing requests and closes the socket.
    /// Blocks the calling thread throughout (give it a thread of its own). Never throws for
    /// anything the peer does.
    /// </summary>
    public void Run(CancellationToken stopping)
    {
        try
        {
            var export = Handshake(stopping);
            if (export is not null)
            {
                NbdLog.ExportSelected(_logger, Id, export.Name);
                Transmit(export, stopping);
            }
        }
        catch (NbdProtocolException exception)
        {
            NbdLog.ProtocolViolation(_logger, Id, exception);
        }
        catch (Exception exception) when (stopping.IsCancellationRequested
            && exception is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Server shutdown: stop reading; executing requests still finish below.
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
            NbdLog.ConnectionDropped(_logger, Id, exception);
        }
        catch (Exception exception)
        {
            NbdLog.ConnectionFailed(_logger, Id, exception);
        }
        finally
        {
            WaitIdle();
            _socket.Dispose();
            NbdLog.ConnectionClosed(_logger, Id);
        }
    }

    /// <summary>Hangs up at once: pending socket operations fail and the session ends.</summary>
    public void Abort() => _socket.Dispose();

    /// <summary>Ends the read side: a blocked receive returns end of stream; replies still go out.</summary>
    private void StopReading()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Receive);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already hung up.
        }
    }

    private void WaitIdle()
    {
        Interlocked.Exchange(ref _ending, 1);
        if (Volatile.Read(ref _running) != 0)
        {
            _drained.Wait();
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; false when the peer closed before the first byte.</summary>
    private bool ReceiveExactly(Span<byte> buffer)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var received = _socket.Receive(buffer[filled..], SocketFlags.None);
            if (received == 0)
            {
                return filled == 0
                    ? false
                    : throw new EndOfStreamException($"The peer closed the connection {filled} bytes into a {buffer.Length}-byte message.");
            }

            filled += received;
        }

        return true;
    }

    private void SendAll(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            data = data[_socket.Send(data, SocketFlags.None)..];
        }
    }

    private static byte[] Rent(int length) => ArrayPool<byte>.Shared.Rent(length);

    private static void Return(byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
