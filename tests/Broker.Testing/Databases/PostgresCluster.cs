using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Broker.Testing.Databases;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's <c>postgresql</c> package: a temporary data directory,
/// a free loopback port, trust authentication, <c>fsync=off</c>. Started on first use (so tests that
/// never ask for it do not need PostgreSQL installed), stopped and deleted on dispose. Meant to be
/// shared by a test assembly (<c>[assembly: AssemblyFixture(typeof(PostgresCluster))]</c>); each test
/// takes its own database from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>Overrides where the PostgreSQL binaries are (default: the newest <c>/usr/lib/postgresql/*/bin</c>).</summary>
    public const string BinDirectoryVariable = "BROKER_PG_BIN";

    private const string SuperUser = "postgres";

    private readonly SemaphoreSlim _startGate = new(1, 1);
    private TempDirectory? _directory;
    private string _binDirectory = string.Empty;
    private int _port;

    /// <summary>The loopback port the cluster listens on, once started.</summary>
    public int Port => _port;

    /// <summary>Creates an empty database with a unique name, starting the cluster first if needed.</summary>
    public async Task<PostgresDatabase> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken);
        var name = "broker_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE DATABASE \"{name}\"", cancellationToken);
        return new PostgresDatabase(name, ConnectionString(name));
    }

    /// <summary>Drops a database at once, disconnecting whoever uses it: simulates losing the database.</summary>
    public Task DropDatabaseAsync(PostgresDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        return ExecuteAsync($"DROP DATABASE \"{database.Name}\" WITH (FORCE)", cancellationToken);
    }

    /// <summary>Npgsql connection string for <paramref name="database"/> on this cluster.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={_port.ToString(CultureInfo.InvariantCulture)};Username={SuperUser};Database={database}";

    public async ValueTask DisposeAsync()
    {
        if (_directory is { } directory)
        {
            await RunAsServerUserAsync(
                Path.Combine(_binDirectory, "pg_ctl"),
                ["-D", DataDirectory(directory), "-m", "immediate", "-w", "stop"],
                CancellationToken.None,
                mustSucceed: false);
            directory.Dispose();
            _directory = null;
        }

        _startGate.Dispose();
    }

    private static string DataDirectory(TempDirectory directory) => directory.File("data");

    private async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        await _startGate.WaitAsync(cancellationToken);
        try
        {
            if (_directory is not null)
            {
                return;
            }

            _binDirectory = FindBinDirectory();
            var directory = new TempDirectory("broker-pg-");
            if (Environment.IsPrivilegedProcess)
            {
                // initdb refuses to run as root; the server runs as Debian's postgres user and owns the directory.
                await RunAsync("chown", [$"{SuperUser}:", directory.Path], cancellationToken);
            }

            await RunAsServerUserAsync(
                Path.Combine(_binDirectory, "initdb"),
                ["-D", DataDirectory(directory), "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--no-sync"],
                cancellationToken);
            _port = FreeLoopbackPort();
            var serverOptions = string.Join(' ',
                "-c listen_addresses=127.0.0.1", $"-p {_port.ToString(CultureInfo.InvariantCulture)}", $"-k {directory.Path}",
                "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=300");
            await RunAsServerUserAsync(
                Path.Combine(_binDirectory, "pg_ctl"),
                ["-D", DataDirectory(directory), "-l", directory.File("server.log"), "-w", "-o", serverOptions, "start"],
                cancellationToken);
            _directory = directory;
        }
        finally
        {
            _startGate.Release();
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken) =>
        await RunAsync(
            Path.Combine(_binDirectory, "psql"),
            ["-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-U", SuperUser, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql],
            cancellationToken);

    private static Task RunAsServerUserAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool mustSucceed = true) =>
        Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", SuperUser, "--", program, .. arguments], cancellationToken, mustSucceed)
            : RunAsync(program, arguments, cancellationToken, mustSucceed);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool mustSucceed = true)
    {
        // "/" as working directory: the postgres user may not enter the test's directory.
        var result = await ExternalTool.RunAsync(program, arguments, cancellationToken, workingDirectory: "/");
        if (mustSucceed && result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {result}");
        }
    }

    private static string FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable(BinDirectoryVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            $"PostgreSQL is not installed (apt-get install -y postgresql), or set {BinDirectoryVariable} to its bin directory.");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
