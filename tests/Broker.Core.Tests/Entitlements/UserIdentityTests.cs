using Broker.Core.Entitlements;
using Broker.Core.Pools;

namespace Broker.Core.Tests.Entitlements;

public sealed class UserIdentityTests
{
    private static readonly PoolId Pool = PoolId.New();
    private static readonly UserIdentity Alice = new(new UserId("alice"), new HashSet<GroupId> { new("eng") });

    [Fact]
    public void IsEntitledTo_DirectUserEntitlement_IsTrue()
    {
        // Act + Assert
        Alice.IsEntitledTo(Pool, [new Entitlement(Pool, Principal.ForUser(new UserId("alice")))]).ShouldBeTrue();
    }

    [Fact]
    public void IsEntitledTo_EntitlementOfOneOfTheirGroups_IsTrue()
    {
        // Act + Assert
        Alice.IsEntitledTo(Pool, [new Entitlement(Pool, Principal.ForGroup(new GroupId("eng")))]).ShouldBeTrue();
    }

    [Fact]
    public void IsEntitledTo_OtherUserOtherGroupOrOtherPool_IsFalse()
    {
        // Arrange
        Entitlement[] entitlements =
        [
            new(Pool, Principal.ForUser(new UserId("bob"))),
            new(Pool, Principal.ForGroup(new GroupId("sales"))),
            new(PoolId.New(), Principal.ForUser(new UserId("alice"))),
            new(Pool, new Principal(PrincipalKind.User, "ALICE")),
        ];

        // Act + Assert
        Alice.IsEntitledTo(Pool, entitlements).ShouldBeFalse();
    }
}
