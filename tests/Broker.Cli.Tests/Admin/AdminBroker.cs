extern alias server;

using Broker.Cli.Admin;
using Broker.Testing;

namespace Broker.Cli.Tests.Admin;

/// <summary>
/// broker-server in process on a fresh SQLite data directory, and brokerctl wired to it: the CLI's
/// HTTP goes through the in-process server's handler, its config lives in a temporary XDG_CONFIG_HOME.
/// </summary>
internal sealed class AdminBroker : IAsyncDisposable
{
    public const string Server = "http://broker.test/";

    private readonly TempDirectory _directory = new("brokerctl-admin-test-");
    private readonly Factory _factory;

    public AdminBroker()
    {
        _factory = new Factory(_directory.File("data"));
        _factory.CreateClient().Dispose(); // starts the server, which writes the first admin's password
    }

    /// <summary>The broker's services, to seed what the REST API cannot make (desktops, host reports).</summary>
    public IServiceProvider Services => _factory.Services;

    public string ConfigHome => _directory.File("config");

    public string ConfigPath => Path.Combine(ConfigHome, "broker", "brokerctl.json");

    public string AdminPassword =>
        File.ReadAllLines(Path.Combine(_directory.File("data"), "admin-credentials.txt")).Single(line => line.StartsWith("password: ", StringComparison.Ordinal))["password: ".Length..];

    /// <summary>Runs brokerctl against this broker with <paramref name="stdin"/> as standard input and extra environment variables.</summary>
    public Task<CliRun> RunWithInputAsync(string stdin, IReadOnlyDictionary<string, string>? variables, params string[] args) =>
        RunAsync(() => _factory.Server.CreateHandler(), stdin, variables, args);

    /// <summary>Runs brokerctl with its HTTP going through <paramref name="handler"/> instead of this broker.</summary>
    public async Task<CliRun> RunAsync(Func<HttpMessageHandler> handler, string stdin, IReadOnlyDictionary<string, string>? variables, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            OpenStandardOutput = () => throw new InvalidOperationException("admin commands write text only"),
            Storage = Broker.Vhdx.Storage.FileStorage.Instance,
            Admin = new AdminEnvironment
            {
                GetVariable = name => name == "XDG_CONFIG_HOME" ? ConfigHome : variables?.GetValueOrDefault(name),
                CreateHandler = handler,
                Input = new StringReader(stdin),
                AskSecret = _ => null,
            },
        };
        var exitCode = await BrokerCtl.RunAsync(args, environment, TestContext.Current.CancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString(), []);
    }

    public Task<CliRun> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, null, args);

    /// <summary>Logs in as the first admin through brokerctl; the token is stored in the config.</summary>
    public async Task<CliRun> LoginAsync()
    {
        var run = await RunWithInputAsync(AdminPassword + "\n", null, "admin", "login", "--server", Server, "--user", "admin", "--password-stdin");
        run.ExitCode.ShouldBe(0, run.ToString());
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    private sealed class Factory(string dataDirectory) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<server::Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseSetting("Broker:DataDirectory", dataDirectory);
            builder.UseSetting("Database:Provider", "Sqlite");
            builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        }
    }
}
