using Broker.Core.Desktops;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Broker.Persistence.Conversions;

/// <summary>Stores a <see cref="DesktopId"/> as its Guid.</summary>
internal sealed class DesktopIdConverter() : ValueConverter<DesktopId, Guid>(id => id.Value, value => new DesktopId(value));
