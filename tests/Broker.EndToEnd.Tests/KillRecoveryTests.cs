using System.Globalization;
using Broker.EndToEnd.Tests.Harness;
using Broker.EndToEnd.Tests.Kills;
using Broker.Testing;

namespace Broker.EndToEnd.Tests;

/// <summary>
/// Issue 10, scenario 4: kill -9 of the broker, the host agent or the client agent during check-out,
/// sync and check-in, for several seeds, in a demo world of its own. Each seed runs one cycle of the
/// counter desktop with one kill per phase (<see cref="KillPlan"/>: a SIGKILL at a random moment or
/// a named crash point of the agents); the killed daemon is started again on its state and the
/// desktop must settle by itself (<see cref="KillCycle"/>). <c>BROKER_E2E_KILL_SEEDS</c> sets how
/// many seeds (default 2; <c>./build.sh soak e2e</c> runs many more).
/// </summary>
public sealed class KillRecoveryTests : IAsyncLifetime
{
    private const int DefaultSeeds = 2;

    private readonly TempDirectory _directory = new("broker-e2e-kill-");
    private DemoWorld? _world;

    private DemoWorld World => _world ?? throw new InvalidOperationException("The demo world is not started.");

    private static int Seeds =>
        int.TryParse(Environment.GetEnvironmentVariable("BROKER_E2E_KILL_SEEDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var seeds) && seeds > 0 ? seeds : DefaultSeeds;

    public async ValueTask InitializeAsync() =>
        _world = await DemoWorld.StartAsync(_directory.File("demo"), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Every_desktop_settles_by_itself_and_keeps_every_acknowledged_boot_when_any_daemon_is_killed_during_check_out_sync_and_check_in()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var demoDesktop = await DemoDesktop.OpenAsync(World, _directory.File, cancellationToken);
        await using var daemons = Supervisor.Of(World);
        var cycle = new KillCycle(World, demoDesktop, daemons);
        await cycle.BootOnHostAsync(cancellationToken);

        for (var seed = 1; seed <= Seeds; seed++)
        {
            var kills = KillPlan.For(seed);
            TestContext.Current.SendDiagnosticMessage($"seed {seed}: {string.Join("; ", kills)}");
            try
            {
                await cycle.RunAsync(kills, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw new InvalidOperationException($"Seed {seed} ({string.Join("; ", kills)}), after {cycle.Boots} boots: {exception.Message}", exception);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            TestContext.Current.AddAttachment("demo logs", _world.Logs());
            await _world.DisposeAsync();
        }

        _directory.Dispose();
    }
}
