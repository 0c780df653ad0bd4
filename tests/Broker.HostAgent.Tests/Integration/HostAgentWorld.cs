extern alias server;

using Broker.Core;
using Broker.Core.Access;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Events;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Pools;
using Broker.HostAgent.Desktops;
using Broker.HostAgent.Enrollment;
using Broker.HostAgent.Images;
using Broker.Persistence.Identity;
using Broker.Testing;
using Broker.Testing.Qemu;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using server::Broker.Server.Desktops;
using server::Broker.Server.Images;
using server::Broker.Server.Pools;
using server::Broker.Server.Security;

namespace Broker.HostAgent.Tests.Integration;

/// <summary>
/// The real broker in process and a real <c>broker-host</c> enrolled with it over the broker's
/// in-process handler, its data directory holding the counter guest as the broker's image. An admin's
/// actions (enrollment token, image, pool, start, stop) go through the broker's own services; the
/// user <see cref="UserName"/> is entitled to the pool, and their devices enroll over the gateway.
/// </summary>
internal sealed class HostAgentWorld : IAsyncDisposable
{
    /// <summary>The user the pool's desktop is assigned to.</summary>
    public const string UserName = "alice";

    private const string Admin = "admin";
    private const string Password = "Correct-horse-battery-9";

    /// <summary>Bounds each wait for the agent and broker to agree (seconds normally; TCG on a loaded machine is slow).</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _directory;
    private readonly BrokerServerFactory _broker;
    private readonly HttpMessageHandler _handler;
    private readonly WebApplication _agent;

    private HostAgentWorld(TempDirectory directory, BrokerServerFactory broker, HttpMessageHandler handler, WebApplication agent, HostId host, ImageId image, UserId user)
    {
        _directory = directory;
        _broker = broker;
        _handler = handler;
        _agent = agent;
        Host = host;
        Image = image;
        User = user;
    }

    /// <summary>The enrolled host.</summary>
    public HostId Host { get; }

    /// <summary>The broker's image of the counter guest.</summary>
    public ImageId Image { get; }

    /// <summary>The id of <see cref="UserName"/>.</summary>
    public UserId User { get; }

    /// <summary>The test's scratch directory (the broker's and the host's data live in subdirectories).</summary>
    public TempDirectory Directory => _directory;

    public string HostDataDirectory => _directory.File("host");

    /// <summary>The broker in process (its services and its REST API).</summary>
    public BrokerServerFactory Broker => _broker;

    public DesktopManager Desktops => _agent.Services.GetRequiredService<DesktopManager>();

    /// <summary>Starts the broker, enrolls a host with an admin's token, imports the counter guest and runs the agent until the broker sees the host healthy.</summary>
    public static async Task<HostAgentWorld> CreateAsync(CancellationToken cancellationToken)
    {
        var directory = new TempDirectory("broker-host-world-");
        var broker = new BrokerServerFactory(directory.File("broker"));
        broker.CreateClient().Dispose(); // starts the server
        var handler = broker.Server.CreateHandler();
        var (host, token) = await CreateEnrollmentTokenAsync(broker.Services, cancellationToken);
        var identity = await HostEnrollment.EnrollAsync(broker.Server.BaseAddress, token, null, directory.File("host"), handler, cancellationToken);
        identity.AgentId.ShouldNotBeNullOrEmpty();
        var image = await ImportCounterGuestAsync(broker.Services, directory, cancellationToken);
        var user = await CreateUserAsync(broker.Services);

        var agent = BuildAgent(directory.File("host"), identity, handler);
        await agent.StartAsync(cancellationToken);
        var world = new HostAgentWorld(directory, broker, handler, agent, host, image, user);
        await WaitUntilAsync(async () => (await world.HostAsync(cancellationToken)).Health == HostHealth.Healthy, "the host is healthy", cancellationToken);
        return world;
    }

    /// <summary>
    /// A second host agent (<paramref name="name"/>, an empty data directory of its own) enrolled with
    /// the broker and running until the broker sees it healthy. The caller stops and disposes it.
    /// </summary>
    public async Task<(HostId Host, WebApplication Agent)> StartAnotherHostAsync(string name, CancellationToken cancellationToken)
    {
        var dataDirectory = _directory.File(name);
        var (host, token) = await CreateEnrollmentTokenAsync(_broker.Services, cancellationToken, name);
        var identity = await HostEnrollment.EnrollAsync(_broker.Server.BaseAddress, token, null, dataDirectory, _handler, cancellationToken);
        var agent = BuildAgent(dataDirectory, identity, _handler);
        await agent.StartAsync(cancellationToken);
        await WaitUntilAsync(
            async () =>
            {
                await using var scope = _broker.Services.CreateAsyncScope();
                return (await scope.ServiceProvider.GetRequiredService<IHostStore>().FindAsync(host, cancellationToken))?.Health == HostHealth.Healthy;
            },
            $"host {name} is healthy",
            cancellationToken);
        return (host, agent);
    }

    /// <summary>
    /// An admin creates a dedicated pool of one desktop on the counter image that allows check-out,
    /// entitles <see cref="UserName"/>, who is assigned the desktop; returns it once the host provisioned it.
    /// </summary>
    public async Task<DesktopId> ProvisionedDesktopAsync(CancellationToken cancellationToken)
    {
        await using var scope = _broker.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var created = await services.GetRequiredService<PoolAdministration>().CreateAsync(
            new PoolDraft("counter", PoolKind.Dedicated, Image, 1, new OfflinePolicy { Allowed = true }), [], Admin, cancellationToken);
        var pool = created.Value.ShouldNotBeNull($"{created.Outcome} {created.Detail} {string.Join(", ", created.Errors)}");
        pool.Unplaced.ShouldBe(0);
        (await services.GetRequiredService<IEntitlementStore>().AddAsync(new Entitlement(pool.Pool.Id, Principal.ForUser(User)), cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var assigned = await services.GetRequiredService<DesktopActions>().AssignAsync(new UserIdentity(User, new HashSet<GroupId>()), pool.Pool.Id, cancellationToken);
        var desktop = assigned.Desktop.ShouldNotBeNull($"{assigned.Outcome} {assigned.Reason} {assigned.Detail}");
        desktop.Host.ShouldBe(Host);
        await WaitUntilAsync(async () => (await DesktopAsync(desktop.Id, cancellationToken)).State == DesktopState.Available, "the desktop is provisioned", cancellationToken);
        return desktop.Id;
    }

    /// <summary>The broker's record of <paramref name="id"/>.</summary>
    public async Task<Desktop> DesktopAsync(DesktopId id, CancellationToken cancellationToken)
    {
        await using var scope = _broker.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IDesktopStore>().FindAsync(id, cancellationToken)).ShouldNotBeNull();
    }

    /// <summary>Events on the desktop (as read now), saved together and their commands sent to the agent, as the broker does for users.</summary>
    public async Task ApplyAsync(DesktopId id, Func<Desktop, DesktopEvent[]> events, CancellationToken cancellationToken)
    {
        var desktop = await DesktopAsync(id, cancellationToken);
        await using var scope = _broker.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<DesktopActions>().ApplyAsync(Admin, desktop, events(desktop), cancellationToken);
        result.Outcome.ShouldBe(DesktopActionOutcome.Done, $"{result.Reason} {result.Detail}");
    }

    /// <summary>A device of <see cref="UserName"/> (offline, no agent) a desktop can be checked out to.</summary>
    public async Task<DeviceId> CreateDeviceAsync(CancellationToken cancellationToken)
    {
        var device = Device.Create(DeviceId.New(), new DeviceDraft(User, "laptop")).Value.ShouldNotBeNull();
        await using var scope = _broker.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<IDeviceStore>().AddAsync(device, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        return device.Id;
    }

    /// <summary>A device of <see cref="UserName"/>, enrolled by the user's login over the gateway, its Connect stream open.</summary>
    public Task<TestDevice> EnrollDeviceAsync(CancellationToken cancellationToken) =>
        TestDevice.EnrollAsync(_broker.Server.BaseAddress, _handler, UserName, Password, cancellationToken);

    /// <summary>The desktop's serial console log on the host.</summary>
    public string SerialLogPath(DesktopId id) => new HostAgentPaths(HostDataDirectory).Desktop(id.Value.ToString()).SerialLog;

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> when it does not within the bound.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(WaitLimit);
        while (!await condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Waited {WaitLimit} for: {what}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.StopAsync(CancellationToken.None);
        await _agent.DisposeAsync();
        _handler.Dispose();
        await _broker.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    /// <summary>The port the agent's <c>DiskTransfer</c> endpoint bound (it was started with <c>TransferPort=0</c>).</summary>
    public int TransferPort => new Uri(_agent.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;

    /// <summary>The broker's record of the host.</summary>
    public async Task<Host> HostAsync(CancellationToken cancellationToken)
    {
        await using var scope = _broker.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IHostStore>().FindAsync(Host, cancellationToken)).ShouldNotBeNull();
    }

    /// <summary>What <c>brokerctl admin user add</c> does: <see cref="UserName"/> with a password, in the user role.</summary>
    private static async Task<UserId> CreateUserAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<BrokerUser>>();
        var user = new BrokerUser { UserName = UserName };
        (await users.CreateAsync(user, Password)).Succeeded.ShouldBeTrue();
        (await users.AddToRoleAsync(user, BrokerRoles.User)).Succeeded.ShouldBeTrue();
        return new UserId(user.Id);
    }

    /// <summary>What <c>POST /api/v1/admin/hosts/enrollment-tokens</c> does: an offline host and its one-time token.</summary>
    internal static async Task<(HostId Host, string Token)> CreateEnrollmentTokenAsync(IServiceProvider services, CancellationToken cancellationToken, string name = "host-a")
    {
        await using var scope = services.CreateAsyncScope();
        var host = Core.Hosts.Host.Create(HostId.New(), new HostDraft(name, 4)).Value.ShouldNotBeNull();
        (await scope.ServiceProvider.GetRequiredService<IHostStore>().AddAsync(host, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var secret = BearerSecret.New(BearerSecret.EnrollmentPrefix);
        var now = TimeProvider.System.GetUtcNow();
        var token = new EnrollmentToken(secret.Id, host.Id, secret.Hash, Admin, now, now.AddHours(1));
        (await scope.ServiceProvider.GetRequiredService<IEnrollmentTokenStore>().AddAsync(token, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        return (host.Id, secret.Token);
    }

    private static WebApplication BuildAgent(string dataDirectory, HostIdentity identity, HttpMessageHandler handler) => HostAgentApp.Build(
        [
            $"--Broker:DataDirectory={dataDirectory}",
            "--Serilog:MinimumLevel:Default=Warning",
            "--HostAgent:TransferPort=0",
            "--HostAgent:MinFreeBytes=0",
            "--HostAgent:ReconnectMinDelay=00:00:00.100",
            "--HostAgent:PowerdownTimeout=00:00:02",
            "--HostAgent:VmMemoryMiB=32",
        ],
        identity,
        handler);

    /// <summary>
    /// The counter guest as a raw disk imported into the host's base store (<c>broker-host image
    /// import</c>), registered as a broker image by its content address, and named on the host by that image's id.
    /// </summary>
    private static async Task<ImageId> ImportCounterGuestAsync(IServiceProvider services, TempDirectory directory, CancellationToken cancellationToken)
    {
        var raw = TestGuests.CreateRawDisk(TestGuests.Counter, directory.File("counter.raw"));
        await using var catalog = await ImageCatalog.OpenAsync(new HostAgentPaths(directory.File("host")), cancellationToken);
        var address = await catalog.ImportAsync(raw, null, cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var registered = await scope.ServiceProvider.GetRequiredService<ImageRegistry>().RegisterAsync(
            new GoldImageDraft("counter", "1", address, TestGuests.DefaultDiskBytes), [], Admin, cancellationToken);
        var image = registered.Value.ShouldNotBeNull($"{registered.Outcome} {registered.Detail} {string.Join(", ", registered.Errors)}");
        await catalog.NameAsync(image.Id.Value.ToString(), address, cancellationToken);
        return image.Id;
    }
}
