using Broker.Core.Devices;

namespace Broker.Server.Api.Me;

/// <summary>One of the user's devices.</summary>
internal sealed record DeviceResponse(Guid Id, string Name, bool Online, DateTimeOffset? LastSeen)
{
    public static DeviceResponse From(Device device) => new(device.Id.Value, device.Name, device.Online, device.LastSeen);
}
