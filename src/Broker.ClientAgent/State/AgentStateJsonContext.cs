using System.Text.Json.Serialization;

namespace Broker.ClientAgent.State;

[JsonSerializable(typeof(AgentState))]
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
internal sealed partial class AgentStateJsonContext : JsonSerializerContext;
