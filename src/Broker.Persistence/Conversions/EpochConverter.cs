using Broker.Core.Desktops;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Broker.Persistence.Conversions;

/// <summary>Stores an <see cref="Epoch"/> as its counter.</summary>
internal sealed class EpochConverter() : ValueConverter<Epoch, long>(epoch => epoch.Value, value => new Epoch(value));
