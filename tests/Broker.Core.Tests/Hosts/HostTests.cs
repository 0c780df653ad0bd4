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

    [Theory]
    [InlineData("http://10.0.0.5:7443")]
    [InlineData("https://host-a.example:7443/")]
    [InlineData("http://[::1]:7443")]
    public void IsValidTransferAddress_AbsoluteHttpUrl_IsTrue(string address)
    {
        // Act
        var valid = Host.IsValidTransferAddress(address);

        // Assert
        valid.ShouldBeTrue();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("10.0.0.5:7443")]
    [InlineData("/var/run/transfer.sock")]
    [InlineData("ftp://10.0.0.5")]
    [InlineData("http://user:secret@10.0.0.5:7443")]
    [InlineData("http://10.0.0.5:7443/?debug=1")]
    [InlineData("http://10.0.0.5:7443/#top")]
    [InlineData(" http://10.0.0.5:7443")]
    public void IsValidTransferAddress_AnythingElse_IsFalse(string? address)
    {
        // Act
        var valid = Host.IsValidTransferAddress(address);

        // Assert
        valid.ShouldBeFalse();
    }

    [Fact]
    public void IsValidTransferAddress_LongerThanTheLimit_IsFalse()
    {
        // Arrange
        var atLimit = "http://h/" + new string('a', Host.MaxTransferAddressLength - "http://h/".Length);

        // Act
        var valid = Host.IsValidTransferAddress(atLimit);
        var tooLong = Host.IsValidTransferAddress(atLimit + "a");

        // Assert
        valid.ShouldBeTrue();
        tooLong.ShouldBeFalse();
    }
}
