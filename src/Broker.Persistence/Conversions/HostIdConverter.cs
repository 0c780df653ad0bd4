using Broker.Core.Hosts;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Broker.Persistence.Conversions;

/// <summary>Stores a <see cref="HostId"/> as its Guid.</summary>
internal sealed class HostIdConverter() : ValueConverter<HostId, Guid>(id => id.Value, value => new HostId(value));
