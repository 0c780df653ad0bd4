using Broker.Qemu.Processes;

namespace Broker.Qemu.Tests.Processes;

/// <summary>Records what would be started and hands out <see cref="FakeChildProcess"/>es.</summary>
internal sealed class FakeProcessLauncher : IProcessLauncher
{
    private int _nextId = 4000;

    /// <summary>Runs when a process "starts", e.g. to bring up the fake QMP server QEMU would open.</summary>
    public Action<FakeChildProcess>? OnStart { get; set; }

    public string? FileName { get; private set; }

    public IReadOnlyList<string> Arguments { get; private set; } = [];

    public FakeChildProcess? Process { get; private set; }

    public IChildProcess Start(string fileName, IReadOnlyList<string> arguments)
    {
        FileName = fileName;
        Arguments = arguments;
        Process = new FakeChildProcess(++_nextId);
        OnStart?.Invoke(Process);
        return Process;
    }
}
