using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Broker.Qemu.Processes;

/// <summary>
/// Finds and kills a QEMU left running by an earlier process of ours, identified by its pidfile.
/// </summary>
/// <remarks>
/// A PID alone is not proof: after a reboot or a long time it may belong to an unrelated process.
/// The process is killed only if its command line names the same pidfile after <c>-pidfile</c>.
/// </remarks>
internal static class StaleProcessReaper
{
    private const int MaxPidFileBytes = 64;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Kills the process recorded in <paramref name="pidFilePath"/> if it is still the QEMU that wrote
    /// it, waits until it is gone, and deletes the file. Returns the PID it killed, or null.
    /// </summary>
    public static async Task<int?> ReapAsync(string pidFilePath, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(pidFilePath);
        ArgumentNullException.ThrowIfNull(timeProvider);

        int? killed = null;
        if (TryReadPid(pidFilePath, out var pid) && CommandLineNamesPidFile(pid, pidFilePath))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                killed = pid;
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
            {
                // Exited between the check and the kill.
            }

            var deadline = timeProvider.GetTimestamp() + (long)(timeout.TotalSeconds * timeProvider.TimestampFrequency);
            while (IsAlive(pid))
            {
                if (timeProvider.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"QEMU process {pid} from {pidFilePath} did not exit after SIGKILL.");
                }

                await Task.Delay(PollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }

        if (File.Exists(pidFilePath))
        {
            File.Delete(pidFilePath);
        }

        return killed;
    }

    /// <summary>True while <paramref name="pid"/> exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) S ...": the state follows the last ')' since comm may itself contain ')'.
        var end = stat.LastIndexOf(')');
        return end < 0 || end + 2 >= stat.Length || stat[end + 2] is not ('Z' or 'X');
    }

    private static bool TryReadPid(string pidFilePath, out int pid)
    {
        pid = 0;
        byte[] bytes;
        try
        {
            using var stream = File.OpenRead(pidFilePath);
            bytes = new byte[MaxPidFileBytes];
            bytes = bytes.AsSpan(0, stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false)).ToArray();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return int.TryParse(Encoding.ASCII.GetString(bytes).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out pid) && pid > 1;
    }

    private static bool CommandLineNamesPidFile(int pid, string pidFilePath)
    {
        string[] arguments;
        try
        {
            arguments = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Split('\0');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        for (var i = 0; i + 1 < arguments.Length; i++)
        {
            if (arguments[i] == "-pidfile" && arguments[i + 1] == pidFilePath)
            {
                return true;
            }
        }

        return false;
    }
}
