namespace Broker.EndToEnd.Tests.Harness;

/// <summary>The machine's processes as <c>/proc</c> shows them.</summary>
internal static class ProcessTable
{
    /// <summary>Command lines (arguments joined by spaces) of live processes that mention <paramref name="text"/>, such as a state directory.</summary>
    public static IReadOnlyList<string> CommandLinesContaining(string text) =>
        [.. Directory.GetDirectories("/proc")
            .Where(directory => int.TryParse(Path.GetFileName(directory), out _))
            .Select(ReadCommandLine)
            .Where(commandLine => commandLine.Contains(text, StringComparison.Ordinal))];

    private static string ReadCommandLine(string processDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processDirectory, "cmdline")).Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return string.Empty; // it exited while we looked
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
