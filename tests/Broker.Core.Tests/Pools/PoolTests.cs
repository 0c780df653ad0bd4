using Broker.Core.Images;
using Broker.Core.Pools;

namespace Broker.Core.Tests.Pools;

public sealed class PoolTests
{
    private static readonly PoolId Id = new(Guid.Parse("90000000-0000-0000-0000-000000000001"));
    private static readonly ImageId Image = new(Guid.Parse("10000000-0000-0000-0000-000000000001"));

    [Fact]
    public void Create_ValidDraftWithoutPolicy_UsesTheDesignDefaults()
    {
        // Arrange
        var draft = new PoolDraft("  Engineering  ", PoolKind.Dedicated, Image, 10, Offline: null);

        // Act
        var result = Pool.Create(Id, draft);

        // Assert
        result.Errors.ShouldBeEmpty();
        var pool = result.Value.ShouldNotBeNull();
        pool.Name.ShouldBe("Engineering");
        pool.Offline.Allowed.ShouldBeFalse();
        pool.Offline.LeaseDays.ShouldBe(7);
        pool.Offline.Heartbeat.ShouldBe(TimeSpan.FromMinutes(5));
        pool.Offline.SyncInterval.ShouldBe(TimeSpan.FromMinutes(60));
        pool.Offline.Retention.ShouldBe(new RetentionPolicy(24, 7, 4));
        pool.Offline.Retention.SnapshotInterval.ShouldBe(TimeSpan.FromHours(1));
    }

    [Fact]
    public void Create_InvalidPolicy_ListsEveryOffendingFieldAndBuildsNothing()
    {
        // Arrange
        var policy = new OfflinePolicy
        {
            Allowed = true,
            LeaseDays = 0,
            Heartbeat = TimeSpan.FromSeconds(5),
            SyncInterval = TimeSpan.FromDays(2),
            Retention = new RetentionPolicy(-1, 7, 1001) { SnapshotInterval = TimeSpan.FromMinutes(4) },
        };
        var draft = new PoolDraft("Engineering", PoolKind.Dedicated, Image, 10, policy);

        // Act
        var result = Pool.Create(Id, draft);

        // Assert
        result.IsValid.ShouldBeFalse();
        result.Value.ShouldBeNull();
        result.Errors.Select(error => error.Field).ShouldBe(
        [
            "Offline.LeaseDays",
            "Offline.Heartbeat",
            "Offline.SyncInterval",
            "Offline.Retention.Hourly",
            "Offline.Retention.Weekly",
            "Offline.Retention.SnapshotInterval",
        ]);
        result.Errors[0].Message.ShouldContain("between 1 and 365");
    }

    [Theory]
    [InlineData(null, "Name")]
    [InlineData("   ", "Name")]
    [InlineData("bad\u0007name", "Name")]
    public void Create_BadName_NamesTheField(string? name, string field)
    {
        // Act
        var result = Pool.Create(Id, new PoolDraft(name, PoolKind.Floating, Image, 1, null));

        // Assert
        result.Errors.Single().Field.ShouldBe(field);
    }

    [Fact]
    public void Create_EmptyIdsUndefinedKindAndNegativeSize_ListsEachField()
    {
        // Arrange
        var draft = new PoolDraft("Pool", (PoolKind)42, default, -1, null);

        // Act
        var result = Pool.Create(default, draft);

        // Assert
        result.Errors.Select(error => error.Field).ShouldBe(["Kind", "Image", "DesiredSize", "Id"]);
    }

    [Fact]
    public void Create_FloatingPoolAllowingOffline_IsRefused()
    {
        // Arrange
        var draft = new PoolDraft("Kiosk", PoolKind.Floating, Image, 5, new OfflinePolicy { Allowed = true });

        // Act
        var result = Pool.Create(Id, draft);

        // Assert
        result.Errors.Single().Field.ShouldBe("Offline.Allowed");
    }

    [Fact]
    public void Edit_ChangingTheKind_IsRefusedAndKeepsTheVersion()
    {
        // Arrange
        var pool = Pool.Create(Id, new PoolDraft("Kiosk", PoolKind.Floating, Image, 5, null)).Value! with { Version = 3 };

        // Act
        var refused = pool.Edit(new PoolDraft("Kiosk", PoolKind.Dedicated, Image, 5, null));
        var resized = pool.Edit(new PoolDraft("Kiosk", PoolKind.Floating, Image, 8, null));

        // Assert
        refused.Errors.Single().Field.ShouldBe("Kind");
        resized.Value.ShouldNotBeNull().DesiredSize.ShouldBe(8);
        resized.Value.Version.ShouldBe(3);
        resized.Value.Id.ShouldBe(Id);
    }
}
