using Broker.Hosting;
using Broker.Server;

var builder = WebApplication.CreateBuilder(args);
builder.AddBrokerDefaults();
builder.Services.AddBrokerServer();

var app = builder.Build();
app.MapBrokerDefaultEndpoints();
app.MapBrokerServerEndpoints();
app.Run();
