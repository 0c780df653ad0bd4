using System.Diagnostics;

namespace Broker.Testing.Qemu;

/// <summary>
/// Serves a disk image with <c>qemu-nbd</c> on a unix socket for as long as it lives (many
/// connections in turn: <c>--persistent</c>). A stand-in for our own NBD server in QEMU tests.
/// </summary>
public sealed class QemuNbdServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;

    private QemuNbdServer(Process process, string socketPath, string exportName)
    {
        _process = process;
        SocketPath = socketPath;
        ExportName = exportName;
    }

    /// <summary>The unix socket clients connect to.</summary>
    public string SocketPath { get; }

    /// <summary>The export name.</summary>
    public string ExportName { get; }

    /// <summary>qemu-nbd's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True when qemu-nbd is installed.</summary>
    public static bool IsAvailable => ExternalTool.Exists("qemu-nbd");

    /// <summary>Starts serving <paramref name="imagePath"/> and returns once the socket exists.</summary>
    public static async Task<QemuNbdServer> StartAsync(
        string imagePath,
        string socketPath,
        CancellationToken cancellationToken,
        string format = "raw",
        string exportName = "")
    {
        var startInfo = new ProcessStartInfo("qemu-nbd")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--socket", socketPath, "--format", format, "--export-name", exportName, "--persistent", "--cache=writeback", imagePath })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start qemu-nbd.");
        var server = new QemuNbdServer(process, socketPath, exportName);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!File.Exists(socketPath))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"qemu-nbd exited with code {process.ExitCode}: {await stderr}");
                }

                if (deadline.Elapsed > StartTimeout)
                {
                    throw new TimeoutException($"qemu-nbd did not create {socketPath} within {StartTimeout}.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops qemu-nbd (by its PID) and waits until it is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }
}
