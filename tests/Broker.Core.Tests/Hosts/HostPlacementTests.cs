using Broker.Core.Desktops;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Pools;

namespace Broker.Core.Tests.Hosts;

public sealed class HostPlacementTests
{
    private static readonly Host Alpha = Healthy("alpha", 4, "a0000000-0000-0000-0000-000000000001");
    private static readonly Host Bravo = Healthy("bravo", 4, "b0000000-0000-0000-0000-000000000001");
    private static readonly Host Charlie = Healthy("charlie", 10, "c0000000-0000-0000-0000-000000000001");

    [Fact]
    public void Plan_EqualFreeCapacity_BreaksTiesByNameThenSpreads()
    {
        // Act
        var plan = HostPlacement.Plan([Bravo, Alpha], [], 4);

        // Assert
        plan.Hosts.ShouldBe([Alpha.Id, Bravo.Id, Alpha.Id, Bravo.Id]);
        plan.IsComplete.ShouldBeTrue();
    }

    [Fact]
    public void Plan_UnequalLoad_PrefersTheHostWithMostFreeSlots()
    {
        // Arrange: charlie has 10 slots, 7 used (3 free); alpha has 4 free.
        var desktops = Enumerable.Range(0, 7).Select(i => On(Charlie, DesktopState.Available)).ToList();

        // Act
        var plan = HostPlacement.Plan([Charlie, Alpha], desktops, 2);

        // Assert
        plan.Hosts.ShouldBe([Alpha.Id, Alpha.Id]);
    }

    [Fact]
    public void Plan_UnhealthyOfflineOrDrainingHosts_AreSkipped()
    {
        // Arrange
        Host[] hosts =
        [
            Alpha with { Health = HostHealth.Unhealthy },
            Bravo with { Health = HostHealth.Offline },
            Charlie with { Draining = true },
            Healthy("delta", 1, "d0000000-0000-0000-0000-000000000001"),
        ];

        // Act
        var plan = HostPlacement.Plan(hosts, [], 3);

        // Assert
        plan.Hosts.ShouldBe([hosts[3].Id]);
        plan.Unplaced.ShouldBe(2);
        plan.IsComplete.ShouldBeFalse();
    }

    [Fact]
    public void Plan_DeletedDesktops_DoNotTakeSlots()
    {
        // Arrange
        var desktops = Enumerable.Range(0, 4).Select(_ => On(Alpha, DesktopState.Deleted)).ToList();

        // Act
        var plan = HostPlacement.Plan([Alpha], desktops, 4);

        // Assert
        plan.IsComplete.ShouldBeTrue();
    }

    [Fact]
    public void Plan_ImageHeldBySomeHosts_FillsThoseFirstAndNeverUsesOneThatFailedIt()
    {
        // Arrange: charlie (10 free) failed the image, bravo (4 free) holds it, alpha (4 free) has not got it yet.
        var image = new ImageOnHosts(new HashSet<HostId> { Bravo.Id }, new HashSet<HostId> { Charlie.Id });

        // Act
        var plan = HostPlacement.Plan([Alpha, Bravo, Charlie], [], 6, image);

        // Assert
        plan.Hosts.ShouldBe([Bravo.Id, Bravo.Id, Bravo.Id, Bravo.Id, Alpha.Id, Alpha.Id]);
        plan.IsComplete.ShouldBeTrue();
    }

    [Fact]
    public void Plan_OnlyHostsThatFailedTheImageHaveRoom_LeavesTheDesktopsUnplaced()
    {
        // Act
        var plan = HostPlacement.Plan([Alpha], [], 2, new ImageOnHosts(new HashSet<HostId>(), new HashSet<HostId> { Alpha.Id }));

        // Assert
        plan.Hosts.ShouldBeEmpty();
        plan.Unplaced.ShouldBe(2);
    }

    private static Host Healthy(string name, int capacity, string id) =>
        new() { Id = new HostId(Guid.Parse(id)), Name = name, Capacity = capacity, Health = HostHealth.Healthy };

    private static Desktop On(Host host, DesktopState state) =>
        DesktopStateMachine.Create(DesktopId.New(), PoolId.New(), "desk", host.Id, ImageId.New()).Desktop with { State = state };
}
