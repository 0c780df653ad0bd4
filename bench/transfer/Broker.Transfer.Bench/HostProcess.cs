using System.Diagnostics;
using System.Globalization;

namespace Broker.Transfer.Bench;

/// <summary>The host side (<see cref="HostCommand"/>) as a child process: its port, CPU time and the chunks it has served.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan QuietTime = TimeSpan.FromMilliseconds(500);

    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ChildProcess _child;
    private long _servedChunks;
    private long _lastLine = Stopwatch.GetTimestamp();

    private HostProcess(BenchLayout layout)
    {
        _child = ChildProcess.StartSelf(["host", layout.Work], OnLine);
    }

    /// <summary>The port it listens on (known once <see cref="StartAsync"/> returned).</summary>
    public int Port { get; private set; }

    public TimeSpan CpuTime => _child.CpuTime;

    /// <summary>Chunks sent by all <c>PullChunks</c> calls that have ended.</summary>
    public long ServedChunks => Interlocked.Read(ref _servedChunks);

    public static async Task<HostProcess> StartAsync(BenchLayout layout)
    {
        var host = new HostProcess(layout);
        try
        {
            host.Port = await host._port.Task.WaitAsync(StartTimeout);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the host has printed nothing for a moment, so calls a client left have reported.</summary>
    public async Task QuietAsync()
    {
        while (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastLine)) < QuietTime)
        {
            await Task.Delay(QuietTime / 5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _child.CloseInput();
        var exit = _child.ExitAsync();
        if (await Task.WhenAny(exit, Task.Delay(TimeSpan.FromSeconds(10))) != exit)
        {
            _child.Kill();
        }

        await _child.DisposeAsync();
    }

    private void OnLine(string line)
    {
        _ = Interlocked.Exchange(ref _lastLine, Stopwatch.GetTimestamp());
        var words = line.Split(' ');
        switch (words[0])
        {
            case "port":
                _ = _port.TrySetResult(int.Parse(words[1], CultureInfo.InvariantCulture));
                break;
            case "served":
                _ = Interlocked.Add(ref _servedChunks, long.Parse(words[1], CultureInfo.InvariantCulture));
                break;
            default:
                break;
        }
    }
}
