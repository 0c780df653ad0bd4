using Broker.Hosting;
using Broker.Server;
using Broker.Server.Agents;
using Broker.Server.Api;
using Broker.Server.Database;
using Broker.Server.Identity;
using Broker.Server.Portal;
using Broker.Server.Security;

// Settings (appsettings.json) and wwwroot are found beside the executable wherever it is started
// from, as a service expects; --contentRoot or ASPNETCORE_CONTENTROOT still choose another place.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ServerContentRoot.Resolve(args) });
builder.AddBrokerDefaults();
builder.Services.AddSystemd();  // Type=notify readiness under systemd; does nothing elsewhere
builder.AddBrokerDatabase();   // registered before identity: its start-up migration runs first
builder.AddBrokerIdentity();
builder.AddBrokerSecurity();
builder.AddBrokerPortal();
builder.AddBrokerApi();
builder.AddBrokerAgents();

var app = builder.Build();
app.UseBrokerPipeline();
app.MapBrokerDefaultEndpoints();
app.MapBrokerPortal();
app.MapBrokerApi();
app.MapBrokerAgents();
await app.RunAsync();
