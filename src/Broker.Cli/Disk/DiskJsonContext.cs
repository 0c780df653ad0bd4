using System.Text.Json.Serialization;

namespace Broker.Cli.Disk;

/// <summary>Source-generated JSON for <c>--json</c> output: camelCase keys, indented.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(DiskInfo))]
[JsonSerializable(typeof(DiskMap))]
internal sealed partial class DiskJsonContext : JsonSerializerContext;
