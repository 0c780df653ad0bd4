using System.Globalization;
using Broker.Contracts.V1;
using Broker.HostAgent.Desktops;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Broker.HostAgent.Tests.Worker;

/// <summary>Runs the steps of its command line on a desktop manager (see README.md); BROKER_CRASH_AT kills it midway.</summary>
internal static class WorkerProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 3)
        {
            await Console.Error.WriteLineAsync("usage: DATA HOURS STEP...");
            return 64;
        }

        var clock = new AheadClock(TimeSpan.FromHours(double.Parse(args[1], CultureInfo.InvariantCulture)));
        var options = Options.Create(new HostAgentOptions { MinFreeBytes = 0, PowerdownTimeout = TimeSpan.FromSeconds(1), VmMemoryMiB = 32 });
        await using var manager = new DesktopManager(new HostAgentPaths(args[0]), options, clock, NullLogger<DesktopManager>.Instance);
        await manager.StartAsync(CancellationToken.None);
        foreach (var step in args[2..])
        {
            if (step == "snapshot")
            {
                await manager.TakeDueSnapshotsAsync(CancellationToken.None);
                continue;
            }

            var command = JsonParser.Default.Parse<AgentCommand>(step);
            var outcome = await manager.ApplyAsync(command, CancellationToken.None);
            if (!outcome.Succeeded)
            {
                await Console.Error.WriteLineAsync($"{command.Kind} refused: {outcome.Detail}");
                return 2;
            }
        }

        Console.WriteLine("done");
        return 0;
    }

    /// <summary>The system clock a fixed span ahead: what the manager stamps and compares is that much later.</summary>
    private sealed class AheadClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }
}
