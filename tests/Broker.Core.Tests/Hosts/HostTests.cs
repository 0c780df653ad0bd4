using Broker.Core.Hosts;

namespace Broker.Core.Tests.Hosts;

public sealed class HostTests
{
    [Fact]
    public void Create_ValidDraft_IsOfflineUntilItsFirstReport()
    {
        // Act
        var host = Host.Create(HostId.New(), new HostDraft("rack1-a", 40)).Value;

        // Assert
        host.ShouldNotBeNull().Health.ShouldBe(HostHealth.Offline);
        host.LastSeen.ShouldBeNull();
        host.AcceptsNewDesktops.ShouldBeFalse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(Host.MaxCapacity + 1)]
    public void Create_CapacityOutOfRange_NamesCapacity(int capacity)
    {
        // Act
        var result = Host.Create(HostId.New(), new HostDraft("rack1-a", capacity));

        // Assert
        result.Errors.Single().Field.ShouldBe("Capacity");
    }
}
