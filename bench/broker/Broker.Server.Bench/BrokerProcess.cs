using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Broker.Server.Bench;

/// <summary>
/// The real broker-server executable in its own process on two loopback ports (HTTP/1.1 for the
/// portal and REST, HTTP/2 for the agents' gRPC), with a fresh data directory. Its log goes to
/// <c>broker.log</c> in that directory; RSS and CPU time are read from <c>/proc</c>.
/// </summary>
internal sealed class BrokerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly double ClockTicksPerSecond = 100; // USER_HZ on Linux

    private readonly Process _process;

    private BrokerProcess(Process process, string dataDirectory, Uri web, Uri agents)
    {
        _process = process;
        DataDirectory = dataDirectory;
        Web = web;
        Agents = agents;
    }

    public string DataDirectory { get; }

    /// <summary>Portal and REST (<c>/api/v1</c>).</summary>
    public Uri Web { get; }

    /// <summary>The agents' gRPC endpoint (HTTP/2 without TLS).</summary>
    public Uri Agents { get; }

    public string LogPath => Path.Combine(DataDirectory, "broker.log");

    /// <summary>
    /// Starts <paramref name="executable"/> on SQLite in <paramref name="dataDirectory"/>, or on
    /// PostgreSQL when <paramref name="postgres"/> is a connection string, and waits until
    /// <c>/health/ready</c> answers.
    /// </summary>
    public static async Task<BrokerProcess> StartAsync(string executable, string dataDirectory, string? postgres, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var web = new Uri($"http://127.0.0.1:{FreePort()}/");
        var agents = new Uri($"http://127.0.0.1:{FreePort()}/");
        // The content root (appsettings.json, wwwroot) is the working directory: the executable's own.
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = Path.GetDirectoryName(executable), UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" >\"$1\" 2>&1");
        start.ArgumentList.Add(executable);
        start.ArgumentList.Add(Path.Combine(dataDirectory, "broker.log"));
        var environment = start.Environment;
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["Broker__DataDirectory"] = dataDirectory;
        environment["Kestrel__Endpoints__Http__Url"] = web.AbsoluteUri;
        environment["Kestrel__Endpoints__Agents__Url"] = agents.AbsoluteUri;
        environment["Kestrel__Endpoints__Agents__Protocols"] = "Http2";
        // Set-up signs in once per simulated user from one address; the default allows 10 a minute.
        environment["Security__Login__RateLimitPermits"] = "10000";
        if (postgres is not null)
        {
            environment["Database__Provider"] = "Postgres";
            environment["ConnectionStrings__Broker"] = postgres;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        var broker = new BrokerProcess(process, dataDirectory, web, agents);
        await broker.WaitReadyAsync(cancellationToken);
        return broker;
    }

    /// <summary>The first administrator's password, from the file the first start writes.</summary>
    public string AdminPassword()
    {
        var text = File.ReadAllText(Path.Combine(DataDirectory, "admin-credentials.txt"));
        var line = text.Split('\n').FirstOrDefault(line => line.StartsWith("password", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"No password line in admin-credentials.txt: {text}");
        return line[(line.IndexOfAny([':', '=']) + 1)..].Trim();
    }

    /// <summary>Peak resident set (VmHWM) so far, in MiB.</summary>
    public double PeakRssMiB() => StatusKiB("VmHWM:") / 1024;

    /// <summary>Resident set (VmRSS) now, in MiB.</summary>
    public double RssMiB() => StatusKiB("VmRSS:") / 1024;

    /// <summary>User plus system CPU time so far, in seconds.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields after the command name start at field 3 (state); utime and stime are fields 14 and 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    /// <summary>SIGTERM, then waits for the exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private double StatusKiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return double.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"No {field} in /proc/{_process.Id}/status.");
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Web, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                break;
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative), cancellationToken);
                if (ready.IsSuccessStatusCode && File.Exists(Path.Combine(DataDirectory, "admin-credentials.txt")))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new InvalidOperationException($"broker-server did not get ready; see {LogPath}:\n{Tail(LogPath)}");
    }

    private static string Tail(string path) =>
        File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(30)) : "(no log)";

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
