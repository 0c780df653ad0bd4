using Broker.Core.Pools;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Broker.Persistence.Conversions;

/// <summary>Stores a <see cref="PoolId"/> as its Guid.</summary>
internal sealed class PoolIdConverter() : ValueConverter<PoolId, Guid>(id => id.Value, value => new PoolId(value));
