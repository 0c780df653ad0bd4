using Broker.Core.Entitlements;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Broker.Persistence.Conversions;

/// <summary>Stores a <see cref="UserId"/> as its string.</summary>
internal sealed class UserIdConverter() : ValueConverter<UserId, string>(id => id.Value, value => new UserId(value));
