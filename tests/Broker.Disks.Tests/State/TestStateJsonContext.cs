using System.Text.Json.Serialization;

namespace Broker.Disks.Tests.State;

[JsonSerializable(typeof(TestState))]
internal sealed partial class TestStateJsonContext : JsonSerializerContext;
