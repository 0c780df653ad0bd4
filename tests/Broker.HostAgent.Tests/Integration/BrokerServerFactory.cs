extern alias server;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Broker.HostAgent.Tests.Integration;

/// <summary>
/// broker-server in process on a fresh SQLite data directory, with short agent timings so reports,
/// heartbeats and reconcile rounds follow each other quickly.
/// </summary>
internal sealed class BrokerServerFactory(string dataDirectory) : WebApplicationFactory<server::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Broker:DataDirectory", dataDirectory);
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.UseSetting("Agents:HostHeartbeat", "00:00:01");
        builder.UseSetting("Agents:ReconcileInterval", "00:00:00.200");
        builder.UseSetting("ImageUploads:OfferInterval", "00:00:01");
        builder.UseSetting("ImageUploads:ReofferAfter", "00:00:02");
    }
}
