using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Broker.Qemu.Tests.Qmp;

/// <summary>
/// A scripted QMP peer on a unix socket: sends QEMU's greeting, answers <c>qmp_capabilities</c>,
/// records every command and hands the others to a test-supplied handler (by default: an empty
/// <c>return</c>). Serves one connection at a time, any number in turn.
/// </summary>
internal sealed class FakeQmpServer : IAsyncDisposable
{
    public const string Greeting =
        """{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "fake"}, "capabilities": ["oob"]}}""";

    private readonly Socket _listener;
    private readonly Func<FakeQmpRequest, FakeQmpServer, Task> _onCommand;
    private readonly List<string> _commands = [];
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private Socket? _connection;

    public FakeQmpServer(string socketPath, Func<FakeQmpRequest, FakeQmpServer, Task>? onCommand = null)
    {
        _onCommand = onCommand ?? ((request, server) => server.ReplyAsync(request));
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>Every command received so far, in order, including <c>qmp_capabilities</c>.</summary>
    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_commands)
            {
                return [.. _commands];
            }
        }
    }

    public Task ReplyAsync(FakeQmpRequest request, string returnJson = "{}") =>
        SendAsync($$"""{"return": {{returnJson}}, "id": {{request.Id}}}""");

    public Task ErrorAsync(FakeQmpRequest request, string errorClass, string description) =>
        SendAsync($$"""{"error": {"class": "{{errorClass}}", "desc": "{{description}}"}, "id": {{request.Id}}}""");

    public Task EventAsync(string name, string dataJson = "{}") =>
        SendAsync($$"""{"timestamp": {"seconds": 1700000000, "microseconds": 250000}, "event": "{{name}}", "data": {{dataJson}}}""");

    /// <summary>Sends one line as it is (a newline is added).</summary>
    public async Task SendAsync(string line)
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_connection is { } connection)
            {
                await connection.SendAsync(Encoding.UTF8.GetBytes(line + "\r\n"), SocketFlags.None);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Closes the current connection, as QEMU does when it exits.</summary>
    public void CloseConnection() => _connection?.Shutdown(SocketShutdown.Both);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        _connection?.Dispose();
        try
        {
            await _serving;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // Stopped while serving.
        }

        _stop.Dispose();
        _writeLock.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var connection = await _listener.AcceptAsync(_stop.Token);
            _connection = connection;
            await SendAsync(Greeting);
            using var reader = new StreamReader(new NetworkStream(connection, ownsSocket: false), Encoding.UTF8);
            try
            {
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    await HandleAsync(line);
                }
            }
            catch (IOException)
            {
                // The client or the test closed the connection.
            }
        }
    }

    private async Task HandleAsync(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var request = new FakeQmpRequest(
            root.GetProperty("execute").GetString()!,
            root.TryGetProperty("id", out var id) ? id.GetInt64() : null,
            root.TryGetProperty("arguments", out var arguments) ? arguments.Clone() : default);
        lock (_commands)
        {
            _commands.Add(request.Command);
        }

        if (request.Command == "qmp_capabilities")
        {
            await ReplyAsync(request);
        }
        else
        {
            await _onCommand(request, this);
        }
    }
}
