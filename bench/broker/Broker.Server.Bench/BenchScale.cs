namespace Broker.Server.Bench;

/// <summary>How big the simulated estate is and how the load is stepped.</summary>
/// <param name="Hosts">Host agents (each one Connect stream).</param>
/// <param name="Pools">Dedicated pools; the first is the one users check out from.</param>
/// <param name="DesktopsPerPool">Desired size of every pool.</param>
/// <param name="Users">Users, each entitled to the first pool.</param>
/// <param name="DevicesPerUser">Client agents each user enrolls.</param>
/// <param name="RaceDesktops">Desktops checked out in the race, one per user.</param>
/// <param name="DoubleRequests">How many of them two devices of the owner ask for at once.</param>
/// <param name="Rates">Offered heartbeats per second, one step each.</param>
/// <param name="Step">How long each step sends.</param>
internal sealed record BenchScale(
    int Hosts,
    int Pools,
    int DesktopsPerPool,
    int Users,
    int DevicesPerUser,
    int RaceDesktops,
    int DoubleRequests,
    IReadOnlyList<double> Rates,
    TimeSpan Step)
{
    /// <summary>The estate: 1,000 hosts, 10,000 desktops, 2,000 devices, 200 check-out requests.</summary>
    public static BenchScale Full { get; } = new(1000, 10, 1000, 200, 10, 150, 50, [500, 1000, 2000, 4000], TimeSpan.FromSeconds(20));

    /// <summary>A smoke run of about half a minute.</summary>
    public static BenchScale Quick { get; } = new(20, 2, 50, 10, 2, 8, 4, [200], TimeSpan.FromSeconds(4));

    public int Desktops => Pools * DesktopsPerPool;

    public int Devices => Users * DevicesPerUser;

    /// <summary>Room for every desktop with some spare, so placement never runs out.</summary>
    public int HostCapacity => (Desktops / Hosts) + 3;
}
