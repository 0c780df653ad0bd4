using Broker.Qemu.Processes;

namespace Broker.Qemu.Tests.Processes;

/// <summary>A child process that exits when the test (or a kill) says so.</summary>
internal sealed class FakeChildProcess : IChildProcess
{
    public const int KilledExitCode = 137;

    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeChildProcess(int id)
    {
        Id = id;
    }

    public int Id { get; }

    public Task<int> Exited => _exited.Task;

    public string OutputTail { get; set; } = string.Empty;

    public bool Killed { get; private set; }

    public bool Disposed { get; private set; }

    public void Exit(int exitCode) => _exited.TrySetResult(exitCode);

    public void Kill()
    {
        if (!_exited.Task.IsCompleted)
        {
            Killed = true;
            _exited.TrySetResult(KilledExitCode);
        }
    }

    public void Dispose() => Disposed = true;
}
