using Broker.Core.Devices;
using Broker.Core.Entitlements;

namespace Broker.Core.Tests.Devices;

public sealed class DeviceTests
{
    [Fact]
    public void Create_ValidDraft_BelongsToItsOwnerAndStartsOffline()
    {
        // Act
        var device = Device.Create(DeviceId.New(), new DeviceDraft(new UserId("alice"), "alice-laptop")).Value;

        // Assert
        device.ShouldNotBeNull().Owner.ShouldBe(new UserId("alice"));
        device.Online.ShouldBeFalse();
    }

    [Fact]
    public void Create_MissingOwnerAndName_ListsBoth()
    {
        // Act
        var result = Device.Create(DeviceId.New(), new DeviceDraft(new UserId(""), null));

        // Assert
        result.Errors.Select(error => error.Field).ShouldBe(["Owner", "Name"]);
    }
}
