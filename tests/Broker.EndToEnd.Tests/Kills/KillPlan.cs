namespace Broker.EndToEnd.Tests.Kills;

/// <summary>
/// What a seed kills: one daemon in each <see cref="CyclePhase"/>, the daemon, the way (a named
/// crash point or a SIGKILL at a random moment) and the point or moment all drawn from the seed.
/// </summary>
internal static class KillPlan
{
    public const string Server = "broker-server";
    public const string Host = "broker-host";
    public const string Client = "broker-client";

    private static readonly string[] Daemons = [Server, Host, Client];

    /// <summary>How long after its command a phase is still at work, under TCG on a loaded machine: a random kill lands in it.</summary>
    private static readonly Dictionary<CyclePhase, TimeSpan> KillWindows = new()
    {
        [CyclePhase.CheckOut] = TimeSpan.FromSeconds(4),
        [CyclePhase.Sync] = TimeSpan.FromSeconds(2),
        [CyclePhase.CheckIn] = TimeSpan.FromSeconds(4),
    };

    /// <summary>
    /// The agents' crash points (HostCrashPoints, PushCrashPoints, ClientCrashPoints) each phase
    /// reaches, by daemon; the server has none (it is killed at random moments only).
    /// </summary>
    private static readonly Dictionary<(CyclePhase Phase, string Daemon), string[]> CrashPoints = new()
    {
        [(CyclePhase.CheckOut, Host)] = ["checkout.after-lock", "checkout.after-seal"],
        [(CyclePhase.CheckOut, Client)] = ["pull.after-progress", "pull.after-chain-pulled"],
        [(CyclePhase.Sync, Host)] = ["push.after-commit"],
        [(CyclePhase.Sync, Client)] = ["sync.after-seal", "push.after-progress", "push.after-ack"],
        [(CyclePhase.CheckIn, Host)] = ["push.after-commit", "checkin.before-report", "unlock.after-unlock"],
        [(CyclePhase.CheckIn, Client)] = ["checkin.after-seal", "push.after-progress", "push.after-ack", "checkin.after-final-push"],
    };

    /// <summary>Seed <paramref name="seed"/>'s kills, one per phase in cycle order.</summary>
    public static IReadOnlyList<PlannedKill> For(int seed)
    {
        var random = new Random(seed);
        return [.. Enum.GetValues<CyclePhase>().Select(phase => Draw(random, phase))];
    }

    private static PlannedKill Draw(Random random, CyclePhase phase)
    {
        var daemon = Daemons[random.Next(Daemons.Length)];
        var delay = KillWindows[phase] * random.NextDouble();
        return CrashPoints.TryGetValue((phase, daemon), out var points) && random.Next(2) == 0
            ? new PlannedKill(phase, daemon, points[random.Next(points.Length)], TimeSpan.Zero)
            : new PlannedKill(phase, daemon, null, delay);
    }
}
