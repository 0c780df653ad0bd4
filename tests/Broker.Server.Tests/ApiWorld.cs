using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Persistence;
using Broker.Persistence.Identity;
using Broker.Server.Api.Desktops;
using Broker.Server.Api.Images;
using Broker.Server.Api.Pools;
using Broker.Testing.Databases;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests;

/// <summary>
/// A running broker with a healthy host, an image, a dedicated pool that allows check-out, two users
/// (alice and bob) each with a device and entitled to the pool, and clients logged in as admin,
/// alice, bob and nobody. Agents do not exist yet, so the test plays the host agent by applying its
/// reports through the state machine and the store.
/// </summary>
internal sealed class ApiWorld : IAsyncDisposable
{
    public const string Password = "Correct-horse-battery-9";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    private readonly List<IDisposable> _owned = [];

    private ApiWorld(BrokerSite site, BrokerAppFactory factory)
    {
        Site = site;
        Factory = factory;
    }

    public BrokerSite Site { get; }

    public BrokerAppFactory Factory { get; }

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient Alice { get; private set; } = null!;

    public HttpClient Bob { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public string AliceId { get; private set; } = string.Empty;

    public DeviceId AliceDevice { get; private set; }

    public DeviceId BobDevice { get; private set; }

    public PoolResponse Pool { get; private set; } = null!;

    public static async Task<ApiWorld> CreateAsync(DatabaseProvider provider, PostgresCluster cluster, CancellationToken cancellationToken, Action<IServiceCollection>? services = null)
    {
        var site = await BrokerSite.CreateAsync(provider, cluster, cancellationToken);
        var world = new ApiWorld(site, new BrokerAppFactory(site, services: services));
        await world.InitialiseAsync(cancellationToken);
        return world;
    }

    /// <summary>A client of <paramref name="factory"/> logged in as <paramref name="userName"/>.</summary>
    public static async Task<HttpClient> LoginAsync(BrokerAppFactory factory, string userName, string password, CancellationToken cancellationToken)
    {
        var client = factory.CreateClient(NoRedirects);
        using var response = await PortalClient.LoginAsync(client, userName, password, cancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"login of {userName}");
        return client;
    }

    public static StringContent JsonBody(object body) => new(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");

    public static StringContent RawJson(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;

    /// <summary>The desktop assigned to alice on her request, made available as a host agent would.</summary>
    public async Task<DesktopResponse> AliceDesktopAsync(CancellationToken cancellationToken)
    {
        using var assigned = await Alice.PostAsync(new Uri($"/api/v1/me/pools/{Pool.Id}/desktop", UriKind.Relative), null, cancellationToken);
        assigned.StatusCode.ShouldBe(HttpStatusCode.OK);
        var desktop = await ReadAsync<DesktopResponse>(assigned, cancellationToken);
        return desktop;
    }

    /// <summary>Plays the host agent: every desktop of the pool finished provisioning.</summary>
    public async Task CompleteProvisioningAsync(CancellationToken cancellationToken)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDesktopStore>();
        foreach (var desktop in await store.ListByPoolAsync(new Core.Pools.PoolId(Pool.Id), cancellationToken))
        {
            var result = DesktopStateMachine.Apply(desktop, new ProvisioningCompleted(desktop.Epoch));
            result.IsAccepted.ShouldBeTrue();
            (await store.UpdateAsync(result.Desktop, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        }
    }

    /// <summary>Row counts of every domain table, to show a refused request changed nothing.</summary>
    public async Task<string> FingerprintAsync(CancellationToken cancellationToken)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<BrokerDbContext>();
        var desktops = await context.Database.SqlQueryRaw<long>("SELECT COALESCE(SUM(\"Version\"), 0) AS \"Value\" FROM \"Desktops\"").SingleAsync(cancellationToken);
        var counts = new List<string>
        {
            $"Images={await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"Images\"").SingleAsync(cancellationToken)}",
            $"Pools={await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"Pools\"").SingleAsync(cancellationToken)}",
            $"Entitlements={await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"Entitlements\"").SingleAsync(cancellationToken)}",
            $"Hosts={await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"Hosts\"").SingleAsync(cancellationToken)}",
            $"Devices={await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"Devices\"").SingleAsync(cancellationToken)}",
            $"Desktops={await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"Desktops\"").SingleAsync(cancellationToken)}",
            $"AuditEvents={await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"AuditEvents\"").SingleAsync(cancellationToken)}",
        };

        return $"{string.Join(' ', counts)} desktopVersions={desktops}";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await Factory.DisposeAsync();
        Site.Dispose();
    }

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        Anonymous = Own(Factory.CreateClient(NoRedirects)); // starts the server, which writes the admin password
        Admin = Own(await LoginAsync(Factory, "admin", Site.AdminPassword(), cancellationToken));
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var host = Host.Create(HostId.New(), new HostDraft("host-1", 10)).Value! with { Health = HostHealth.Healthy };
            (await services.GetRequiredService<IHostStore>().AddAsync(host, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
            AliceId = await CreateUserAsync(services, "alice");
            var bobId = await CreateUserAsync(services, "bob");
            AliceDevice = await CreateDeviceAsync(services, AliceId, "alice-laptop", cancellationToken);
            BobDevice = await CreateDeviceAsync(services, bobId, "bob-laptop", cancellationToken);
        }

        Alice = Own(await LoginAsync(Factory, "alice", Password, cancellationToken));
        Bob = Own(await LoginAsync(Factory, "bob", Password, cancellationToken));

        using var image = await Admin.PostAsync(
            new Uri("/api/v1/admin/images", UriKind.Relative),
            JsonBody(new { name = "Windows 11", version = "2025.06", baseContentAddress = "sha256:" + new string('b', 64), sizeBytes = 1L << 30 }),
            cancellationToken);
        image.StatusCode.ShouldBe(HttpStatusCode.Created);
        var imageId = (await ReadAsync<ImageResponse>(image, cancellationToken)).Id;

        using var pool = await Admin.PostAsync(
            new Uri("/api/v1/admin/pools", UriKind.Relative),
            JsonBody(new { name = "Engineering", kind = "Dedicated", imageId, desiredSize = 3, offline = new { allowed = true, leaseDays = 3 } }),
            cancellationToken);
        pool.StatusCode.ShouldBe(HttpStatusCode.Created);
        Pool = await ReadAsync<PoolResponse>(pool, cancellationToken);

        foreach (var user in new[] { "alice", "bob" })
        {
            using var entitled = await Admin.PostAsync(
                new Uri($"/api/v1/admin/pools/{Pool.Id}/entitlements", UriKind.Relative),
                JsonBody(new { kind = "User", id = user }),
                cancellationToken);
            entitled.StatusCode.ShouldBe(HttpStatusCode.Created);
        }
    }

    private HttpClient Own(HttpClient client)
    {
        _owned.Add(client);
        return client;
    }

    private static async Task<string> CreateUserAsync(IServiceProvider services, string name)
    {
        var users = services.GetRequiredService<UserManager<BrokerUser>>();
        var user = new BrokerUser { UserName = name };
        (await users.CreateAsync(user, Password)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, BrokerRoles.User)).Succeeded.ShouldBeTrue();
        return user.Id;
    }

    private static async Task<DeviceId> CreateDeviceAsync(IServiceProvider services, string owner, string name, CancellationToken cancellationToken)
    {
        var device = Device.Create(DeviceId.New(), new DeviceDraft(new UserId(owner), name)).Value!;
        (await services.GetRequiredService<IDeviceStore>().AddAsync(device, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        return device.Id;
    }
}
