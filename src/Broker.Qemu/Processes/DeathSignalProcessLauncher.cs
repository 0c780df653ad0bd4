using System.Diagnostics;

namespace Broker.Qemu.Processes;

/// <summary>
/// Starts children that the kernel kills when this process dies, however it dies (including SIGKILL
/// and crashes, where no cleanup code runs).
/// </summary>
/// <remarks>
/// The child is started through <c>setpriv --pdeathsig KILL --</c>, which sets the parent-death
/// signal and then execs the real program (same PID; the setting survives exec). The fork happens on
/// <see cref="SpawnerThread"/>, because the signal follows the forking thread, not the process. A
/// window remains in which the parent dies between fork and <c>prctl</c>; the pidfile check at VM
/// start (<see cref="StaleProcessReaper"/>) covers that and systems without <c>setpriv</c>.
/// QEMU itself has no "exit with parent" option, and keeping a QMP connection open does not stop it
/// when the connection drops.
/// </remarks>
internal sealed class DeathSignalProcessLauncher : IProcessLauncher
{
    private const string SetprivPath = "/usr/bin/setpriv";

    private readonly bool _useSetpriv;

    public DeathSignalProcessLauncher()
        : this(File.Exists(SetprivPath))
    {
    }

    internal DeathSignalProcessLauncher(bool useSetpriv)
    {
        _useSetpriv = useSetpriv;
    }

    /// <summary>False when <c>setpriv</c> is missing and children would outlive a killed parent.</summary>
    public bool KillsChildrenOnParentDeath => _useSetpriv;

    public IChildProcess Start(string fileName, IReadOnlyList<string> arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(arguments);

        var startInfo = new ProcessStartInfo(_useSetpriv ? SetprivPath : fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (_useSetpriv)
        {
            startInfo.ArgumentList.Add("--pdeathsig");
            startInfo.ArgumentList.Add("KILL");
            startInfo.ArgumentList.Add("--");
            startInfo.ArgumentList.Add(fileName);
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = SpawnerThread.Run(() => Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {fileName}."));
        process.StandardInput.Close();
        return new ChildProcess(process);
    }
}
