namespace Broker.Qemu.Processes;

/// <summary>Starts child processes: the seam between the QEMU supervisor and the operating system.</summary>
internal interface IProcessLauncher
{
    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>; throws if it cannot start.</summary>
    IChildProcess Start(string fileName, IReadOnlyList<string> arguments);
}
