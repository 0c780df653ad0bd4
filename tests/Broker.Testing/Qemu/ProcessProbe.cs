using System.Globalization;

namespace Broker.Testing.Qemu;

/// <summary>Looks at processes through /proc, independently of the code under test.</summary>
public static class ProcessProbe
{
    /// <summary>True while <paramref name="pid"/> exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        string status;
        try
        {
            status = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        var state = status.Split('\n').FirstOrDefault(line => line.StartsWith("State:", StringComparison.Ordinal)) ?? string.Empty;
        return !state.Contains('Z', StringComparison.Ordinal) && !state.Contains('X', StringComparison.Ordinal);
    }

    /// <summary>The process's argv, or empty if it is gone.</summary>
    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline")
                .Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
