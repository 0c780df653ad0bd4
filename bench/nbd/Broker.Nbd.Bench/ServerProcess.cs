using System.Diagnostics;
using System.Globalization;

namespace Broker.Nbd.Bench;

/// <summary>
/// An NBD server in a child process (qemu-nbd or ours) serving one image on a unix socket, so both
/// are measured the same way: from outside, one process each, peak RSS from <c>/proc</c>.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Task<string> _stderr;

    private ServerProcess(Process process, string socketPath)
    {
        _process = process;
        SocketPath = socketPath;
        _stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
    }

    public string SocketPath { get; }

    /// <summary>qemu-nbd with its defaults for a writable image (writeback cache, one shared export).</summary>
    public static Task<ServerProcess> StartQemuNbdAsync(string imagePath, string socketPath) =>
        StartAsync("qemu-nbd", ["--socket", socketPath, "--format", "vhdx", "--cache=writeback", "--persistent", imagePath], socketPath);

    /// <summary>This program's <c>serve</c> mode: our NbdServer over a ChainBlockDevice.</summary>
    public static Task<ServerProcess> StartOursAsync(string imagePath, string socketPath) =>
        StartAsync(Environment.ProcessPath!, [.. SelfArguments(), "serve", imagePath, socketPath], socketPath);

    /// <summary>Peak resident set (VmHWM) so far, in MiB.</summary>
    public double PeakRssMiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kib = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return double.Parse(kib, CultureInfo.InvariantCulture) / 1024;
            }
        }

        throw new InvalidOperationException($"No VmHWM in /proc/{_process.Id}/status.");
    }

    /// <summary>SIGTERM (both servers close their image cleanly on it), then waits for the exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static async Task<ServerProcess> StartAsync(string executable, IEnumerable<string> arguments, string socketPath)
    {
        File.Delete(socketPath);
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var server = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start"), socketPath);
        var waited = Stopwatch.StartNew();
        while (!File.Exists(socketPath))
        {
            if (server._process.HasExited || waited.Elapsed > StartTimeout)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"{executable} did not serve {socketPath}: {await server._stderr}");
            }

            await Task.Delay(10);
        }

        return server;
    }

    // Under `dotnet Broker.Nbd.Bench.dll` the process path is dotnet itself: pass the dll again.
    private static string[] SelfArguments() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? [typeof(ServerProcess).Assembly.Location] : [];
}
