using System.Globalization;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;

namespace Broker.Transfer.Tests.Processes;

/// <summary>
/// Runs one transfer (a pull or push worker) against a host worker and kills the client or the host
/// with SIGKILL at random moments of one seed's sequence, restarting whatever was killed, until the
/// client completes. After every kill of the host, <see cref="AfterHostKill"/> checks invariants on
/// the stopped host's files. Kills stop after <see cref="MaxKills"/> so every run ends.
/// </summary>
internal sealed class KillCampaign(TransferScenario scenario, int seed)
{
    /// <summary>Bytes/s of the client's limiter: the transfer lasts about a second, long enough to be killed within.</summary>
    public const long Rate = 6L * 1024 * 1024;

    private static readonly TimeSpan KillWindow = TimeSpan.FromSeconds(2.5);

    private readonly Random _random = new(seed);

    public int MaxKills { get; init; } = 3;

    /// <summary>Checks run while the host is down after it was killed.</summary>
    public Func<Task>? AfterHostKill { get; init; }

    /// <summary>Kills, of the client and of the host.</summary>
    public (int Client, int Host) Kills { get; private set; }

    public static IEnumerable<string> HostArguments(TransferScenario scenario, string publicKey) =>
    [
        $"socket={scenario.WorkerSocket}", $"layers={scenario.HostLayerDirectory}", $"key={publicKey}",
        $"epoch={scenario.Epoch.ToString(CultureInfo.InvariantCulture)}", $"desktop={TransferScenario.DesktopId}",
        $"device={TransferScenario.DeviceId}", $"host-id={TransferScenario.HostId}",
    ];

    public static IEnumerable<string> ClientArguments(TransferScenario scenario, TransferDirection direction) =>
    [
        $"socket={scenario.WorkerSocket}", $"work={scenario.ClientWorkDirectory}", $"layers={scenario.ClientLayerDirectory}",
        $"desktop={TransferScenario.DesktopId}", $"ticket={TicketEncoding.Encode(scenario.Ticket(direction, lifetime: TimeSpan.FromHours(1)))}",
        $"rate={Rate.ToString(CultureInfo.InvariantCulture)}",
    ];

    /// <summary>Runs client command <paramref name="command"/> with <paramref name="clientArguments"/> to completion under kills; returns with the host stopped.</summary>
    public async Task RunAsync(string command, IReadOnlyList<string> clientArguments, CancellationToken cancellationToken)
    {
        var hostArguments = HostArguments(scenario, scenario.WritePublicKey()).ToList();
        WorkerProcess? host = null;
        try
        {
            while (true)
            {
                host ??= await WorkerProcess.StartHostAsync(hostArguments, cancellationToken);
                await using var client = WorkerProcess.Start(command, clientArguments);
                var killing = Kills.Client + Kills.Host < MaxKills;
                if (!killing || await client.WaitAsync(KillWindow * _random.NextDouble(), cancellationToken))
                {
                    // Not killed this round: the run must complete.
                    var (exitCode, error) = await client.ExitAsync(cancellationToken);
                    exitCode.ShouldBe(0, $"the {command} worker failed without a kill: {error}");
                    return;
                }

                if (_random.Next(2) == 0)
                {
                    await client.KillAsync();
                    Kills = (Kills.Client + 1, Kills.Host);
                    continue;
                }

                await host.DisposeAsync();
                host = null;
                Kills = (Kills.Client, Kills.Host + 1);

                // The client loses its host and fails (or completes if it just got its answer).
                _ = await client.ExitAsync(cancellationToken);
                if (AfterHostKill is not null)
                {
                    await AfterHostKill();
                }
            }
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
    }
}
