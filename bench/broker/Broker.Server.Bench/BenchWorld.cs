using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Broker.Contracts.V1;

namespace Broker.Server.Bench;

/// <summary>A user of the first pool with their token, their desktop there (if assigned) and their devices.</summary>
internal sealed record BenchUser(string Name, BrokerApi Api, List<SimulatedAgent> Devices)
{
    public string? DesktopId { get; set; }
}

/// <summary>
/// Builds the simulated estate through the real API, the way an admin and agents would: host
/// enrollment tokens and Enroll, an image, pools that place their desktops on the hosts, hosts
/// reporting every desktop provisioned, users with entitlements and tokens, devices enrolled with
/// those tokens. Every agent keeps one Connect stream open. Timed, not measured.
/// </summary>
internal sealed class BenchWorld(BrokerProcess broker, BenchScale scale, HttpClient http, AgentGateway.AgentGatewayClient agents, TextWriter log)
{
    private const string UserPassword = "Bench-password-1!";
    private const int Parallelism = 8;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _assignConflicts;

    public List<SimulatedAgent> Hosts { get; } = [];

    public List<BenchUser> Users { get; } = [];

    public IEnumerable<SimulatedAgent> Devices => Users.SelectMany(user => user.Devices);

    public BrokerApi Admin { get; private set; } = null!;

    /// <summary>Hosts, pools with their desktops, users and devices, in that order.</summary>
    public async Task BuildAsync(CancellationToken cancellationToken)
    {
        Admin = await BrokerApi.SignInAsync(http, "admin", broker.AdminPassword(), ["read", "write", "admin"], cancellationToken);
        await EnrollHostsAsync(cancellationToken);
        using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Hosts missing three heartbeats (30 s each by default) turn offline and take no desktops: keep them seen.
        var heartbeats = new HeartbeatGenerator(Hosts, broker).RunAsync(Math.Max(1, scale.Hosts / 15.0), TimeSpan.FromHours(1), keepAlive.Token);
        try
        {
            var firstPool = await CreatePoolsAsync(cancellationToken);
            await ProvisionAsync(cancellationToken);
            await CreateUsersAsync(firstPool, cancellationToken);
            await EnrollDevicesAsync(cancellationToken);
        }
        finally
        {
            await keepAlive.CancelAsync();
            var kept = await heartbeats;
            Log($"set-up keep-alive heartbeats: {kept.Acked} acked, {kept.Errors} errors{(kept.FirstError is null ? string.Empty : $" (first: {kept.FirstError})")}");
        }
    }

    private async Task EnrollHostsAsync(CancellationToken cancellationToken)
    {
        var enrolled = new SimulatedAgent[scale.Hosts];
        await Parallel.ForEachAsync(Enumerable.Range(0, scale.Hosts), Options(cancellationToken), async (index, token) =>
        {
            var created = await Admin.PostAsync("api/v1/admin/hosts/enrollment-tokens", new { name = $"bench-host-{index:0000}", capacity = scale.HostCapacity }, token);
            var answer = await agents.EnrollAsync(new EnrollRequest { Kind = AgentKind.Host, EnrollmentToken = created["token"]!.GetValue<string>() }, cancellationToken: token);
            var host = new SimulatedAgent(agents, answer.AgentId, answer.Credential) { Heartbeat = () => HostHeartbeat([]) };
            await host.ConnectAsync(cancellationToken);
            await host.SendAsync(host.Heartbeat(), token); // healthy from now on, so placement may use it
            enrolled[index] = host;
        });
        Hosts.AddRange(enrolled);
        Log($"{Hosts.Count} hosts enrolled, connected and healthy");
    }

    /// <summary>Creates the image and the pools (placement happens inside each create); answers the first pool's id.</summary>
    private async Task<string> CreatePoolsAsync(CancellationToken cancellationToken)
    {
        var image = await Admin.PostAsync("api/v1/admin/images", new { name = "bench", version = "1", baseContentAddress = "sha256:" + new string('a', 64), sizeBytes = 64L << 30 }, cancellationToken);
        string? first = null;
        for (var index = 0; index < scale.Pools; index++)
        {
            var started = _clock.Elapsed;
            var pool = await Admin.PostAsync(
                "api/v1/admin/pools",
                new { name = $"bench-{index:00}", kind = "Dedicated", imageId = image["id"]!.GetValue<string>(), desiredSize = scale.DesktopsPerPool, offline = new { allowed = true } },
                cancellationToken);
            first ??= pool["id"]!.GetValue<string>();
            Log($"pool bench-{index:00}: {scale.DesktopsPerPool} desktops asked, {pool["unplaced"]?.GetValue<int>() ?? 0} unplaced, create took {(_clock.Elapsed - started).TotalSeconds:0.0} s");
        }

        return first!;
    }

    /// <summary>Every host reports its desktops built; from then on its heartbeats list them at their epochs.</summary>
    private async Task ProvisionAsync(CancellationToken cancellationToken)
    {
        var byHost = (await ListDesktopsAsync(cancellationToken)).ToLookup(desktop => desktop["hostId"]!.GetValue<string>());
        long refused = 0;
        await Parallel.ForEachAsync(Hosts, Options(cancellationToken), async (host, token) =>
        {
            foreach (var desktop in byHost[host.Id])
            {
                var report = new DesktopReport { DesktopId = desktop["id"]!.GetValue<string>(), Epoch = desktop["epoch"]!.GetValue<ulong>(), Kind = DesktopReportKind.ProvisioningCompleted };
                if (!(await host.SendAsync(new AgentMessage { DesktopReport = report }, token)).Accepted)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        });

        var desktops = await ListDesktopsAsync(cancellationToken);
        foreach (var host in Hosts)
        {
            var observed = desktops.Where(desktop => desktop["hostId"]!.GetValue<string>() == host.Id)
                .Select(desktop => new ObservedDesktop { DesktopId = desktop["id"]!.GetValue<string>(), Epoch = desktop["epoch"]!.GetValue<ulong>() })
                .ToList();
            host.Heartbeat = () => HostHeartbeat(observed);
        }

        var available = desktops.Count(desktop => desktop["state"]!.GetValue<string>() == "Available");
        Log($"{desktops.Count} desktops on {desktops.Select(desktop => desktop["hostId"]!.GetValue<string>()).Distinct().Count()} hosts, {available} available ({refused} provisioning reports refused)");
    }

    private async Task CreateUsersAsync(string poolId, CancellationToken cancellationToken)
    {
        var users = new BenchUser[scale.Users];
        await Parallel.ForEachAsync(Enumerable.Range(0, scale.Users), Options(cancellationToken), async (index, token) =>
        {
            var name = $"bench-user-{index:0000}";
            await Admin.PostAsync("api/v1/admin/users", new { userName = name, password = UserPassword, role = "User" }, token);
            await Admin.PostAsync($"api/v1/admin/pools/{poolId}/entitlements", new { kind = "User", id = name }, token);
            var user = new BenchUser(name, await BrokerApi.SignInAsync(http, name, UserPassword, ["read", "write"], token), []);
            if (index < scale.RaceDesktops)
            {
                user.DesktopId = await AssignAsync(user.Api, poolId, token);
            }

            users[index] = user;
        });
        Users.AddRange(users);
        Log($"{Users.Count} users entitled and signed in, {Users.Count(user => user.DesktopId is not null)} with a desktop assigned ({_assignConflicts} assignments retried after 409 ConcurrentUpdate)");
    }

    /// <summary>
    /// "Get a desktop" in a dedicated pool. Users asking at once can be offered the same free desktop;
    /// the loser gets 409 and, like a user reloading the page, asks again.
    /// </summary>
    private async Task<string> AssignAsync(BrokerApi user, string poolId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (status, body) = await user.TryPostAsync($"api/v1/me/pools/{poolId}/desktop", new { }, cancellationToken);
            if (status == HttpStatusCode.OK)
            {
                return JsonNode.Parse(body)!["id"]!.GetValue<string>();
            }

            if (status != HttpStatusCode.Conflict)
            {
                throw new HttpRequestException($"Assigning a desktop in pool {poolId} gave {(int)status}: {body}");
            }

            Interlocked.Increment(ref _assignConflicts);
        }
    }

    private async Task EnrollDevicesAsync(CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(Users, Options(cancellationToken), async (user, token) =>
        {
            for (var index = 0; index < scale.DevicesPerUser; index++)
            {
                var answer = await agents.EnrollAsync(
                    new EnrollRequest { Kind = AgentKind.Device, PersonalAccessToken = user.Api.Token, Name = $"{user.Name}-laptop-{index}" },
                    cancellationToken: token);
                var device = new SimulatedAgent(agents, answer.AgentId, answer.Credential);
                await device.ConnectAsync(cancellationToken);
                user.Devices.Add(device);
            }
        });
        Log($"{Devices.Count()} devices enrolled and connected");
    }

    private async Task<List<JsonNode>> ListDesktopsAsync(CancellationToken cancellationToken)
    {
        const int Page = 500;
        var all = new List<JsonNode>();
        for (var skip = 0; ; skip += Page)
        {
            var page = await Admin.GetAsync($"api/v1/admin/desktops?skip={skip}&take={Page}", cancellationToken);
            var items = page["items"]!.AsArray();
            all.AddRange(items.Select(item => item!));
            if (items.Count < Page)
            {
                return all;
            }
        }
    }

    private static ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };

    private static AgentMessage HostHeartbeat(IEnumerable<ObservedDesktop> desktops) =>
        new() { HostHeartbeat = new HostHeartbeat { Healthy = true, FreeBytes = 1L << 40, TransferAddress = "http://127.0.0.1:7443", Desktops = { desktops } } };

    private void Log(string line) => log.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {line}");
}
