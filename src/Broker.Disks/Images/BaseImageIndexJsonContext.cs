using System.Text.Json.Serialization;

namespace Broker.Disks.Images;

[JsonSerializable(typeof(BaseImageIndex))]
internal sealed partial class BaseImageIndexJsonContext : JsonSerializerContext;
