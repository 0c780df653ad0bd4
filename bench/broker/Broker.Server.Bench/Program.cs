using System.Globalization;
using Broker.Contracts.V1;
using Broker.Server.Bench;
using Grpc.Net.Client;

// Usage (bench/broker/run.sh drives it):
//   Broker.Server.Bench SERVER-EXECUTABLE WORKDIR [--quick] [--postgres CONNECTION-STRING] [--rates 500,1000]
// Starts broker-server (SQLite in WORKDIR, or PostgreSQL), builds the estate through its API, steps
// the heartbeat load, races the check-outs and prints a markdown table. Exit code 1 when any
// heartbeat or check-out failed.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Broker.Server.Bench SERVER-EXECUTABLE WORKDIR [--quick] [--postgres CONNECTION-STRING] [--rates R1,R2,...]");
    return 2;
}

var scale = args.Contains("--quick") ? BenchScale.Quick : BenchScale.Full;
var postgres = Option("--postgres");
if (Option("--rates") is { } rates)
{
    scale = scale with { Rates = [.. rates.Split(',').Select(rate => double.Parse(rate, CultureInfo.InvariantCulture))] };
}

using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(20));
var database = postgres is null ? "SQLite" : "PostgreSQL";
Console.WriteLine($"## broker-server on {database}: {scale.Hosts} hosts, {scale.Desktops} desktops, {scale.Devices} devices; load {File.ReadAllText("/proc/loadavg").Trim()}");
await using var broker = await BrokerProcess.StartAsync(args[0], Path.Combine(args[1], database.ToLowerInvariant()), postgres, stop.Token);
// No automatic redirects: the login's 302 carries the session cookie.
using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = broker.Web, Timeout = TimeSpan.FromMinutes(10) };
using var channel = GrpcChannel.ForAddress(broker.Agents, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
});
var world = new BenchWorld(broker, scale, http, new AgentGateway.AgentGatewayClient(channel), Console.Out);
var failed = false;
try
{
    await world.BuildAsync(stop.Token);
    Console.WriteLine($"after set-up: broker RSS {broker.RssMiB():0} MiB, CPU {broker.CpuSeconds():0.0} s");

    var everyone = world.Hosts.Concat(world.Devices).ToList();
    var generator = new HeartbeatGenerator(everyone, broker);
    Console.WriteLine($"\nHeartbeats, round-robin over {world.Hosts.Count} hosts (HostHeartbeat with ~{scale.Desktops / scale.Hosts} desktops) and {everyone.Count - world.Hosts.Count} devices (DeviceHeartbeat), {scale.Step.TotalSeconds:0} s per step, latency = send to Ack:\n");
    Console.WriteLine(LoadStep.Header);
    foreach (var rate in scale.Rates)
    {
        var step = await generator.RunAsync(rate, scale.Step, stop.Token);
        Console.WriteLine(step);
        if (step.FirstError is not null)
        {
            Console.WriteLine($"  first error: {step.FirstError}");
        }

        failed |= step.Errors > 0;
    }

    using var background = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    var during = generator.RunAsync(scale.Rates[0], TimeSpan.FromHours(1), background.Token);
    var failures = new List<string>();
    var race = await CheckOutRace.RunAsync(world.Users, scale.DoubleRequests, world.Admin, failures, stop.Token);
    await background.CancelAsync();
    var backgroundStep = await during;
    Console.WriteLine($"\nCheck-out race (with {scale.Rates[0]:0} hb/s in the background: p99 {backgroundStep.Percentile(99):0.0} ms, {backgroundStep.Errors} errors): {race}");
    foreach (var failure in failures.Take(10))
    {
        Console.WriteLine($"  {failure}");
    }

    failed |= failures.Count > 0 || backgroundStep.Errors > 0;
    Console.WriteLine($"\nbroker peak RSS {broker.PeakRssMiB():0} MiB, CPU {broker.CpuSeconds():0.0} s in all; log {broker.LogPath}");
}
finally
{
    foreach (var agent in world.Hosts.Concat(world.Devices))
    {
        await agent.DisposeAsync();
    }
}

return failed ? 1 : 0;

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
