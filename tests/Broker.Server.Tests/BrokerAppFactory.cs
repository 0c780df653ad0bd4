using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests;

/// <summary>
/// broker-server in process on a real database: a fresh SQLite data directory, or a fresh database
/// on the shared <c>PostgresCluster</c>. Several factories may share one data directory and
/// database to simulate restarts.
/// </summary>
internal sealed class BrokerAppFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="site">The data directory and database.</param>
    /// <param name="extraSettings">Settings over the site's.</param>
    /// <param name="services">Changes to the app's services (e.g. a decorated store), applied last.</param>
    public BrokerAppFactory(BrokerSite site, IReadOnlyDictionary<string, string?>? extraSettings = null, Action<IServiceCollection>? services = null)
    {
        Site = site;
        _services = services;
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

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }
}
