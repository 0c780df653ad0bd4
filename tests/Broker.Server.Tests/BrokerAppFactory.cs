using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Broker.Server.Tests;

/// <summary>
/// broker-server in process on a real database: a fresh SQLite data directory, or a fresh database
/// on the shared <c>PostgresCluster</c>. Several factories may share one data directory and
/// database to simulate restarts.
/// </summary>
internal sealed class BrokerAppFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public BrokerAppFactory(BrokerSite site, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        Site = site;
        var settings = new Dictionary<string, string?>(site.Settings);
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        _settings = settings;
    }

    public BrokerSite Site { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
