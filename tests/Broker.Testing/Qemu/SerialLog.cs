using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Broker.Testing.Qemu;

/// <summary>Waits for a guest's serial output in the file QEMU writes it to.</summary>
public static class SerialLog
{
    /// <summary>Generous: guests boot in well under a second, but TCG on a loaded 2-core machine is slow.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Polls <paramref name="path"/> until <paramref name="pattern"/> matches its content and returns
    /// the match; throws <see cref="TimeoutException"/> quoting the content so far when the deadline
    /// passes first, or as soon as <paramref name="giveUp"/> completes (for example QEMU's exit) without a match.
    /// </summary>
    public static async Task<Match> WaitForAsync(
        string path,
        Regex pattern,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null,
        Task? giveUp = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var limit = timeout ?? DefaultTimeout;
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            // Checked before reading, so a guest that printed and then exited is still seen.
            var finished = giveUp?.IsCompleted == true;
            var content = Read(path);
            var match = pattern.Match(content);
            if (match.Success)
            {
                return match;
            }

            if (finished || elapsed.Elapsed > limit)
            {
                throw new TimeoutException(
                    $"{path} did not show /{pattern}/ {(finished ? "before the guest's QEMU exited" : $"within {limit}")}. Content:\n{content}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>The file's content, empty while it does not exist.</summary>
    public static string Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return string.Empty;
        }
    }
}
