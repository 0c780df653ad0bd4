using Broker.Core.Images;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Broker.Persistence.Conversions;

/// <summary>Stores a <see cref="ImageId"/> as its Guid.</summary>
internal sealed class ImageIdConverter() : ValueConverter<ImageId, Guid>(id => id.Value, value => new ImageId(value));
