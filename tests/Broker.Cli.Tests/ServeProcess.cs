using System.Diagnostics;
using System.Globalization;
using Broker.Testing;

namespace Broker.Cli.Tests;

/// <summary>
/// <c>brokerctl disk serve</c> running as its own process, stopped by a signal as a shell (Ctrl+C)
/// or a service manager (SIGTERM) would stop it.
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private const string UriMarker = " at ";

    private readonly Process _process;
    private readonly Task<string> _error;

    private ServeProcess(Process process, Task<string> error, string banner)
    {
        _process = process;
        _error = error;
        Banner = banner;
        Uri = banner[(banner.LastIndexOf(UriMarker, StringComparison.Ordinal) + UriMarker.Length)..];
    }

    /// <summary>The line serve printed once it listened.</summary>
    public string Banner { get; }

    /// <summary>The export's URI, as the banner gives it.</summary>
    public string Uri { get; }

    /// <summary>Starts brokerctl with <paramref name="arguments"/> and returns once it printed where it serves.</summary>
    public static async Task<ServeProcess> StartAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(BrokerCtlApphost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start brokerctl.");
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            var banner = await process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(StartTimeout, cancellationToken);
            if (banner is null || !banner.Contains(UriMarker, StringComparison.Ordinal))
            {
                await process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"brokerctl disk serve did not start: exit {process.ExitCode}, stdout '{banner}', stderr '{await error}'");
            }

            return new ServeProcess(process, error, banner);
        }
        catch
        {
            KillAndForget(process);
            throw;
        }
    }

    /// <summary>Sends <paramref name="signal"/> (INT, TERM) and waits for the exit; returns how it ended.</summary>
    public async Task<ToolResult> StopAsync(string signal, CancellationToken cancellationToken)
    {
        var kill = await ExternalTool.RunAsync("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        kill.ExitCode.ShouldBe(0, kill.ToString());
        await _process.WaitForExitAsync(cancellationToken);
        return new ToolResult(_process.ExitCode, await _process.StandardOutput.ReadToEndAsync(cancellationToken), await _error);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private static void KillAndForget(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        process.Dispose();
    }
}
