using Broker.Core.Desktops;
using Broker.Core.Leases;
using Broker.Core.Pools;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Core.Tests.Leases;

public sealed class LeaseCalculatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Grant_DefaultPolicy_RunsSevenDaysFromNow()
    {
        // Act
        var term = LeaseCalculator.Grant(OfflinePolicy.Default, _time.GetUtcNow());

        // Assert
        term.IssuedAt.ShouldBe(_time.GetUtcNow());
        term.ExpiresAt.ShouldBe(_time.GetUtcNow().AddDays(7));
    }

    [Fact]
    public void Renew_HeartbeatAfterFiveMinutes_SlidesTheExpiryForward()
    {
        // Arrange
        var granted = LeaseCalculator.Grant(OfflinePolicy.Default, _time.GetUtcNow());
        _time.Advance(OfflinePolicy.Default.Heartbeat);

        // Act
        var renewed = LeaseCalculator.Renew(granted, OfflinePolicy.Default, _time.GetUtcNow());

        // Assert
        renewed.ExpiresAt.ShouldBe(granted.ExpiresAt + TimeSpan.FromMinutes(5));
        renewed.IssuedAt.ShouldBe(_time.GetUtcNow());
    }

    [Fact]
    public void Renew_UnderAShortenedPolicy_NeverShortensTheLease()
    {
        // Arrange
        var granted = LeaseCalculator.Grant(OfflinePolicy.Default, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromHours(1));

        // Act
        var renewed = LeaseCalculator.Renew(granted, OfflinePolicy.Default with { LeaseDays = 1 }, _time.GetUtcNow());

        // Assert
        renewed.ExpiresAt.ShouldBe(granted.ExpiresAt);
    }

    [Fact]
    public void IsExpiredAt_ExactlyAtExpiry_IsExpiredAndHasNoTimeLeft()
    {
        // Arrange
        var lease = new Lease(Epoch.Initial, LeaseCalculator.Grant(OfflinePolicy.Default, _time.GetUtcNow()));

        // Act
        _time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromTicks(1));
        var justBefore = (lease.IsExpiredAt(_time.GetUtcNow()), lease.RemainingAt(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromTicks(1));
        var atExpiry = (lease.IsExpiredAt(_time.GetUtcNow()), lease.RemainingAt(_time.GetUtcNow()));

        // Assert
        justBefore.ShouldBe((false, TimeSpan.FromTicks(1)));
        atExpiry.ShouldBe((true, TimeSpan.Zero));
    }
}
