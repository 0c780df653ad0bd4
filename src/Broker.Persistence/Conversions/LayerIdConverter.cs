using Broker.Core.Desktops;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Broker.Persistence.Conversions;

/// <summary>Stores a <see cref="LayerId"/> as its Guid.</summary>
internal sealed class LayerIdConverter() : ValueConverter<LayerId, Guid>(id => id.Value, value => new LayerId(value));
