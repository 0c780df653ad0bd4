using System.Diagnostics;

namespace Broker.Transfer.Tests.Processes;

/// <summary>
/// <c>Broker.Transfer.Tests.Worker</c> running as a child process (host, pull or push), to be killed
/// with SIGKILL at a random moment.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Task<string> _error;

    private WorkerProcess(Process process)
    {
        _process = process;
        _error = process.StandardError.ReadToEndAsync(CancellationToken.None);
    }

    /// <summary>The worker beside the tests (the test project references it).</summary>
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Broker.Transfer.Tests.Worker.dll");

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>worker <paramref name="command"/> <paramref name="arguments"/></c>.</summary>
    public static WorkerProcess Start(string command, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path);
        startInfo.ArgumentList.Add(command);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return new WorkerProcess(Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start the transfer worker."));
    }

    /// <summary>Starts a host worker and returns once it prints <c>ready</c>.</summary>
    public static async Task<WorkerProcess> StartHostAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var worker = Start("host", arguments);
        var line = await worker._process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(StartTimeout, cancellationToken);
        if (line != "ready")
        {
            await worker.KillAsync();
            throw new InvalidOperationException($"The host worker did not start: '{line}', stderr: {await worker._error}");
        }

        return worker;
    }

    /// <summary>True when the process ended within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Waits for the exit and returns the exit code with what the worker printed on stderr.</summary>
    public async Task<(int ExitCode, string Error)> ExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);
        return (_process.ExitCode, await _error);
    }

    /// <summary>SIGKILL (no cleanup runs in the worker) and wait until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
