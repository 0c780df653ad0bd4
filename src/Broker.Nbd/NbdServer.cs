using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Broker.Nbd.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Nbd;

/// <summary>
/// An NBD server (fixed newstyle handshake, simple replies, pipelined requests) serving named
/// exports of <see cref="IBlockDevice"/>s on one unix socket or TCP endpoint.
/// </summary>
/// <remarks>
/// Add exports, then <see cref="Start"/> (or <see cref="RunAsync"/>). <see cref="QuiesceAsync"/>
/// pauses one export so its device can be swapped under running clients.
/// </remarks>
public sealed class NbdServer : IAsyncDisposable
{
    private readonly NbdServerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ExportCatalog _exports = new();
    private readonly ConcurrentDictionary<long, (NbdConnection Connection, Task Run)> _connections = new();
    private readonly CancellationTokenSource _stopping = new();

    private Socket? _listener;
    private EndPoint? _endPoint;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextConnectionId;
    private int _stopped;

    public NbdServer(NbdServerOptions? options = null, ILogger<NbdServer>? logger = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new NbdServerOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The bound endpoint once started.</summary>
    public EndPoint? LocalEndPoint => _endPoint;

    /// <summary>The export names, ordered.</summary>
    public IReadOnlyList<string> ExportNames => Array.ConvertAll(_exports.Snapshot(), static export => export.Name);

    /// <summary>
    /// Adds an export. The empty name is the default export. The export advertises exactly the
    /// device's capabilities; <paramref name="readOnly"/> refuses changes even on a writable device.
    /// </summary>
    /// <exception cref="ArgumentException">The name is taken, too long or contains NUL.</exception>
    public void AddExport(string name, IBlockDevice device, bool readOnly = false, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(device);
        if (System.Text.Encoding.UTF8.GetByteCount(name) > Protocol.InfoRequest.MaxNameLength || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("An export name is at most 4096 UTF-8 bytes without NUL.", nameof(name));
        }

        if (!_exports.TryAdd(new NbdExport(name, device, readOnly, description)))
        {
            throw new ArgumentException($"An export named '{name}' already exists.", nameof(name));
        }
    }

    /// <summary>Removes an export for new connections; connections already using it keep it.</summary>
    public bool RemoveExport(string name) => _exports.TryRemove(name);

    /// <summary>Binds <paramref name="endPoint"/> (a unix socket path or a TCP endpoint) and starts accepting.</summary>
    public void Start(EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (_listener is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }

        var protocol = endPoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp;
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, protocol);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(_options.MaxConnections);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _endPoint = listener.LocalEndPoint ?? endPoint;
        NbdLog.Listening(_logger, _endPoint);
        _acceptLoop = AcceptLoopAsync(listener, _stopping.Token);
    }

    /// <summary>Serves on <paramref name="endPoint"/> until <paramref name="cancellationToken"/> fires, then stops cleanly.</summary>
    public async Task RunAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        Start(endPoint);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Requested stop.
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops accepting, stops reading requests, lets executing requests finish and reply, then
    /// closes every connection. If <paramref name="cancellationToken"/> fires first, connections are
    /// closed at once.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            await WhenConnectionsClosedAsync().ConfigureAwait(false);
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        var listener = _listener;
        listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);

        using (cancellationToken.Register(AbortAll))
        {
            await WhenConnectionsClosedAsync().ConfigureAwait(false);
        }

        if (_endPoint is UnixDomainSocketEndPoint unixEndPoint)
        {
            TryDeleteSocketFile(unixEndPoint);
        }

        if (_endPoint is not null)
        {
            NbdLog.Stopped(_logger, _endPoint);
        }
    }

    /// <summary>
    /// Pauses an export: new requests wait, executing ones finish. Dispose the returned pause to
    /// resume; in between the device may be replaced. One pause per export at a time; a second
    /// caller waits.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No export has that name.</exception>
    public async ValueTask<NbdExportPause> QuiesceAsync(string exportName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exportName);
        var export = _exports.Find(exportName) ?? throw new KeyNotFoundException($"No export named '{exportName}'.");
        await export.Gate.CloseAsync(cancellationToken).ConfigureAwait(false);
        NbdLog.ExportQuiesced(_logger, exportName);
        return new NbdExportPause(export);
    }

    /// <summary>Stops gracefully (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException
                || (exception is SocketException && stopping.IsCancellationRequested))
            {
                return;
            }

            if (_connections.Count >= _options.MaxConnections)
            {
                NbdLog.ConnectionRefused(_logger, _options.MaxConnections);
                socket.Dispose();
                continue;
            }

            if (socket.ProtocolType == ProtocolType.Tcp)
            {
                socket.NoDelay = true;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new NbdConnection(id, socket, _exports, _options, _timeProvider, _logger);
            NbdLog.ConnectionAccepted(_logger, id);
            // A thread per connection: its blocking socket calls wake only that thread (see NbdConnection).
            var run = Task.Factory.StartNew(() => connection.Run(stopping), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            _connections[id] = (connection, run);
            _ = run.ContinueWith(
                (_, state) => _connections.TryRemove((long)state!, out var _),
                id,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task WhenConnectionsClosedAsync()
    {
        while (!_connections.IsEmpty)
        {
            var runs = new List<Task>(_connections.Count);
            foreach (var entry in _connections.Values)
            {
                runs.Add(entry.Run);
            }

            await Task.WhenAll(runs).ConfigureAwait(false);

            // A run's removal continuation may lag its completion by a moment.
            foreach (var pair in _connections)
            {
                if (pair.Value.Run.IsCompleted)
                {
                    _connections.TryRemove(pair.Key, out _);
                }
            }
        }
    }

    private void AbortAll()
    {
        foreach (var entry in _connections.Values)
        {
            entry.Connection.Abort();
        }
    }

    private static void TryDeleteSocketFile(UnixDomainSocketEndPoint endPoint)
    {
        var path = endPoint.ToString();
        if (!string.IsNullOrEmpty(path) && path[0] != '\0')
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Best effort: a stale socket file only blocks the next bind on that path.
            }
        }
    }
}
