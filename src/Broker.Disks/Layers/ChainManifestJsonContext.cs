using System.Text.Json.Serialization;

namespace Broker.Disks.Layers;

[JsonSerializable(typeof(ChainManifest))]
internal sealed partial class ChainManifestJsonContext : JsonSerializerContext;
