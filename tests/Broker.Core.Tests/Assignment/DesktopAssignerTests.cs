using Broker.Core.Assignment;
using Broker.Core.Desktops;
using Broker.Core.Desktops.Commands;
using Broker.Core.Desktops.Events;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Pools;

namespace Broker.Core.Tests.Assignment;

public sealed class DesktopAssignerTests
{
    private static readonly HostId Host = HostId.New();
    private static readonly ImageId Image = ImageId.New();
    private static readonly UserIdentity Alice = new(new UserId("alice"), new HashSet<GroupId> { new("eng") });
    private static readonly UserIdentity Bob = new(new UserId("bob"), new HashSet<GroupId> { new("eng") });

    [Fact]
    public void Assign_DedicatedFirstRequest_AssignsAnAvailableDesktopWhateverOrderTheDesktopsComeIn()
    {
        // Arrange
        var pool = NewPool(PoolKind.Dedicated);
        Desktop[] desktops = [Desk(pool, "desk-03"), Desk(pool, "desk-01"), Desk(pool, "desk-02"), Desk(pool, "desk-04") with { State = DesktopState.Provisioning }];

        // Act
        var result = DesktopAssigner.Assign(pool, Alice, EntitleEng(pool), desktops);
        var reversed = DesktopAssigner.Assign(pool, Alice, EntitleEng(pool), [.. desktops.Reverse()]);

        // Assert
        result.Outcome.ShouldBe(AssignmentOutcome.Assigned);
        result.Desktop.ShouldNotBeNull().State.ShouldBe(DesktopState.Available);
        result.Desktop.Assignee.ShouldBe(Alice.Id);
        reversed.Desktop.ShouldBe(result.Desktop);
    }

    [Fact]
    public void Assign_ManyUsersAskingAtOnce_SpreadOverTheFreeDesktops()
    {
        // Arrange
        var pool = NewPool(PoolKind.Dedicated);
        Desktop[] desktops = [.. Enumerable.Range(1, 20).Select(number => Desk(pool, $"desk-{number:D2}"))];
        var users = Enumerable.Range(1, 20).Select(number => new UserIdentity(new UserId($"user-{number:D2}"), new HashSet<GroupId> { new("eng") }));

        // Act
        var chosen = users.Select(user => DesktopAssigner.Assign(pool, user, EntitleEng(pool), desktops).Desktop!.Id).ToList();

        // Assert
        chosen.Distinct().Count().ShouldBeGreaterThan(chosen.Count / 2, "users asking at the same moment must not all race for the first free desktop");
    }

    [Fact]
    public void Assign_DedicatedLaterRequest_KeepsTheSameDesktopEvenWhenItIsCheckedOut()
    {
        // Arrange
        var pool = NewPool(PoolKind.Dedicated);
        var mine = Desk(pool, "desk-09") with { Assignee = Alice.Id, State = DesktopState.CheckedOut };
        Desktop[] desktops = [Desk(pool, "desk-01"), mine];

        // Act
        var result = DesktopAssigner.Assign(pool, Alice, EntitleEng(pool), desktops);

        // Assert
        result.Outcome.ShouldBe(AssignmentOutcome.AlreadyAssigned);
        result.Desktop.ShouldBeSameAs(mine);
    }

    [Fact]
    public void Assign_DedicatedWithOnlyProvisioningDesktopsFree_AssignsOneBeingBuilt()
    {
        // Arrange
        var pool = NewPool(PoolKind.Dedicated);
        Desktop[] desktops = [Desk(pool, "desk-01") with { State = DesktopState.Provisioning }];

        // Act
        var result = DesktopAssigner.Assign(pool, Alice, EntitleEng(pool), desktops);

        // Assert
        result.Outcome.ShouldBe(AssignmentOutcome.Assigned);
    }

    [Fact]
    public void Assign_FloatingWithOnlyProvisioningOrTakenDesktops_FindsNoneFree()
    {
        // Arrange
        var pool = NewPool(PoolKind.Floating);
        Desktop[] desktops =
        [
            Desk(pool, "desk-01") with { State = DesktopState.Provisioning },
            Desk(pool, "desk-02") with { Assignee = Bob.Id },
            Desk(pool, "desk-03") with { State = DesktopState.Deleted },
        ];

        // Act
        var result = DesktopAssigner.Assign(pool, Alice, EntitleEng(pool), desktops);

        // Assert
        result.ShouldBe(new AssignmentResult(AssignmentOutcome.NoneFree, null));
    }

    [Fact]
    public void Assign_UserWithoutEntitlement_IsNotEntitled()
    {
        // Arrange
        var pool = NewPool(PoolKind.Floating);

        // Act
        var result = DesktopAssigner.Assign(pool, Alice, [new Entitlement(pool.Id, Principal.ForGroup(new GroupId("sales")))], [Desk(pool, "desk-01")]);

        // Assert
        result.Outcome.ShouldBe(AssignmentOutcome.NotEntitled);
    }

    [Fact]
    public void Release_FloatingDesktop_ResetsItToThePoolImageAndTheNextUserGetsItOnlyOnceTheHostResetIt()
    {
        // Arrange
        var pool = NewPool(PoolKind.Floating);
        var assigned = DesktopAssigner.Assign(pool, Alice, EntitleEng(pool), [Desk(pool, "desk-01") with { Image = ImageId.New() }]).Desktop!;

        // Act
        var released = DesktopAssigner.Release(pool, assigned);
        var whileResetting = DesktopAssigner.Assign(pool, Bob, EntitleEng(pool), [released.Desktop]);
        var reset = DesktopStateMachine.Apply(released.Desktop, new ResetCompleted(released.Desktop.Epoch)).Desktop;
        var next = DesktopAssigner.Assign(pool, Bob, EntitleEng(pool), [reset]);

        // Assert
        released.Commands.ShouldBe([new ResetToImage(Host, assigned.Id, assigned.Epoch.Next(), pool.Image)]);
        released.Desktop.Assignee.ShouldBeNull();
        released.Desktop.Image.ShouldBe(pool.Image);
        whileResetting.Outcome.ShouldBe(AssignmentOutcome.NoneFree);
        next.Outcome.ShouldBe(AssignmentOutcome.Assigned);
        next.Desktop.ShouldNotBeNull().Assignee.ShouldBe(Bob.Id);
    }

    [Fact]
    public void Release_DedicatedDesktop_KeepsItAssignedAndIssuesNothing()
    {
        // Arrange
        var pool = NewPool(PoolKind.Dedicated);
        var mine = Desk(pool, "desk-01") with { Assignee = Alice.Id };

        // Act
        var result = DesktopAssigner.Release(pool, mine);

        // Assert
        result.IsAccepted.ShouldBeTrue();
        result.Desktop.ShouldBeSameAs(mine);
        result.Commands.ShouldBeEmpty();
    }

    [Fact]
    public void Release_FloatingDesktopStillProvisioning_IsRefusedByTheStateMachine()
    {
        // Arrange
        var pool = NewPool(PoolKind.Floating);
        var desktop = Desk(pool, "desk-01") with { State = DesktopState.Provisioning, Assignee = Alice.Id };

        // Act
        var result = DesktopAssigner.Release(pool, desktop);

        // Assert
        result.Error.ShouldBeOfType<IllegalTransition>();
    }

    private static Pool NewPool(PoolKind kind) =>
        Pool.Create(PoolId.New(), new PoolDraft("pool", kind, Image, 3, null)).Value!;

    private static Entitlement[] EntitleEng(Pool pool) => [new(pool.Id, Principal.ForGroup(new GroupId("eng")))];

    private static Desktop Desk(Pool pool, string name) =>
        DesktopStateMachine.Create(DesktopId.New(), pool.Id, name, Host, pool.Image).Desktop with { State = DesktopState.Available };
}
