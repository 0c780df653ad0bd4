using Broker.EndToEnd.Tests.Harness;

namespace Broker.EndToEnd.Tests.Kills;

/// <summary>
/// The demo's three daemons under a supervisor that, like systemd's <c>Restart=always</c>, starts
/// a dead one again (nothing armed) whenever it is asked to look (<see cref="ReviveAsync"/>).
/// </summary>
internal sealed class Supervisor : IAsyncDisposable
{
    private readonly Dictionary<string, Daemon> _daemons;

    private Supervisor(Dictionary<string, Daemon> daemons) => _daemons = daemons;

    /// <summary>The daemon named <paramref name="name"/> (<see cref="KillPlan.Server"/>, <see cref="KillPlan.Host"/>, <see cref="KillPlan.Client"/>).</summary>
    public Daemon this[string name] => _daemons[name];

    /// <summary>Takes over the daemons <paramref name="world"/>'s script started.</summary>
    public static Supervisor Of(DemoWorld world) =>
        new(new[] { KillPlan.Server, KillPlan.Host, KillPlan.Client }.ToDictionary(name => name, name => Daemon.Of(world, name), StringComparer.Ordinal));

    /// <summary>Starts again, nothing armed, every daemon that died (killed, or crashed at its armed point).</summary>
    public async Task ReviveAsync()
    {
        foreach (var daemon in _daemons.Values.Where(daemon => daemon.HasExited))
        {
            await daemon.StartAsync(crashPoint: null);
        }
    }

    /// <summary>
    /// Polls <paramref name="observe"/> as <see cref="Polling.UntilToleratingAsync{T}"/> does,
    /// reviving dead daemons before each look.
    /// </summary>
    public Task<T> UntilAsync<T>(string what, Func<CancellationToken, Task<T>> observe, Func<T, bool> done, TimeSpan limit, CancellationToken cancellationToken) =>
        Polling.UntilToleratingAsync(
            what,
            async token =>
            {
                await ReviveAsync();
                return await observe(token);
            },
            done,
            limit,
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // The client first: it powers its VMs down; then the host; the broker last.
        foreach (var name in new[] { KillPlan.Client, KillPlan.Host, KillPlan.Server })
        {
            await _daemons[name].DisposeAsync();
        }
    }
}
