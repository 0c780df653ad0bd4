using System.Text.RegularExpressions;
using Broker.Testing.Qemu;

namespace Broker.EndToEnd.Tests.Harness;

/// <summary>The counter guest's serial console (<c>serial.log</c> beside a desktop's chain), as QEMU writes it.</summary>
internal static class CounterConsole
{
    /// <summary>One boot of the counter guest, QEMU start included, under TCG on a loaded machine.</summary>
    private static readonly TimeSpan BootLimit = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Until <paramref name="console"/> shows <c>boot count <paramref name="count"/></c>. QEMU
    /// truncates the log at each start, so an earlier run's count is there only until the new run
    /// begins; a wrong count fails by timing out, quoting the console.
    /// </summary>
    public static Task<Match> WaitForBootAsync(string console, int count, CancellationToken cancellationToken) =>
        SerialLog.WaitForAsync(console, new Regex($@"boot count {count}\b", RegexOptions.CultureInvariant), cancellationToken, BootLimit);
}
