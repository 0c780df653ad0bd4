using System.Text.Json;
using System.Text.Json.Serialization;

namespace Broker.Cli.Admin;

/// <summary>Source-generated JSON of the config file: camelCase keys, indented.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(AdminConfig))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
