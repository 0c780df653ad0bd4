namespace Broker.Qemu.Processes;

/// <summary>A started child process. Disposing releases the handle; it does not stop the process.</summary>
internal interface IChildProcess : IDisposable
{
    int Id { get; }

    /// <summary>Completes with the exit code when the process has exited (128 + signal when killed by one).</summary>
    Task<int> Exited { get; }

    /// <summary>The end of what the process wrote to stdout and stderr so far, for error messages.</summary>
    string OutputTail { get; }

    /// <summary>Sends SIGKILL. Does nothing if the process has already exited.</summary>
    void Kill();
}
