using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Images;
using Broker.Core.Pools;

namespace Broker.Core.Tests.Desktops;

public sealed class CheckOutRulesTests
{
    private static readonly UserId Alice = new("alice");
    private static readonly Pool OfflinePool = Pool.Create(
        PoolId.New(), new PoolDraft("laptops", PoolKind.Dedicated, ImageId.New(), 1, new OfflinePolicy { Allowed = true })).Value!;

    [Fact]
    public void Check_OwnDesktopToOwnDeviceInOfflinePool_IsAllowed()
    {
        // Act + Assert
        CheckOutRules.Check(OfflinePool, AliceDesktop(OfflinePool), DeviceOf(Alice), Alice).ShouldBeNull();
    }

    [Fact]
    public void Check_PoolWithoutOfflinePolicy_IsRefused()
    {
        // Arrange
        var onlineOnly = OfflinePool with { Offline = OfflinePolicy.Default };

        // Act + Assert
        CheckOutRules.Check(onlineOnly, AliceDesktop(onlineOnly), DeviceOf(Alice), Alice).ShouldBe(CheckOutRefusal.OfflineNotAllowed);
    }

    [Fact]
    public void Check_SomeoneElsesDesktop_IsRefused()
    {
        // Act + Assert
        CheckOutRules.Check(OfflinePool, AliceDesktop(OfflinePool), DeviceOf(new UserId("bob")), new UserId("bob"))
            .ShouldBe(CheckOutRefusal.NotAssignedToUser);
    }

    [Fact]
    public void Check_SomeoneElsesDevice_IsRefused()
    {
        // Act + Assert
        CheckOutRules.Check(OfflinePool, AliceDesktop(OfflinePool), DeviceOf(new UserId("bob")), Alice)
            .ShouldBe(CheckOutRefusal.DeviceOfAnotherUser);
    }

    private static Desktop AliceDesktop(Pool pool) => DesktopSamples.Created() with { Pool = pool.Id, Assignee = Alice };

    private static Device DeviceOf(UserId owner) => new() { Id = DeviceId.New(), Owner = owner, Name = "laptop" };
}
