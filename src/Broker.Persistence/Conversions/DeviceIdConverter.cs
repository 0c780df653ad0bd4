using Broker.Core.Devices;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Broker.Persistence.Conversions;

/// <summary>Stores a <see cref="DeviceId"/> as its Guid.</summary>
internal sealed class DeviceIdConverter() : ValueConverter<DeviceId, Guid>(id => id.Value, value => new DeviceId(value));
