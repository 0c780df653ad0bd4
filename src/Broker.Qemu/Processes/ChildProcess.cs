using System.Diagnostics;
using System.Text;

namespace Broker.Qemu.Processes;

/// <summary>An <see cref="IChildProcess"/> over <see cref="Process"/>, keeping the last lines it printed.</summary>
internal sealed class ChildProcess : IChildProcess
{
    private const int OutputTailLimit = 8 * 1024;
    private static readonly TimeSpan StreamDrainLimit = TimeSpan.FromSeconds(1);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Takes ownership of <paramref name="process"/>, which must redirect stdout and stderr and raise events.</summary>
    public ChildProcess(Process process)
    {
        _process = process;
        Id = process.Id;
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = CompleteOnExitAsync();
    }

    public int Id { get; }

    public Task<int> Exited => _exited.Task;

    public string OutputTail
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited (and reaped): nothing to kill.
        }
    }

    public void Dispose() => _process.Dispose();

    private async Task CompleteOnExitAsync()
    {
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => exited.TrySetResult();
        if (_process.HasExited)
        {
            exited.TrySetResult();
        }

        await exited.Task.ConfigureAwait(false);

        // Let the redirected streams reach end of file so the tail is complete, but not for long: a
        // grandchild that inherited them could hold them open indefinitely.
        try
        {
            await _process.WaitForExitAsync().WaitAsync(StreamDrainLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The tail may lack the last lines; the exit itself is what callers wait for.
        }

        _exited.TrySetResult(_process.ExitCode);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > OutputTailLimit)
            {
                _output.Remove(0, _output.Length - OutputTailLimit);
            }
        }
    }
}
