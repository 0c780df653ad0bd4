using System.Text.Json;

namespace Broker.Qemu.Tests.Qmp;

/// <summary>A command the fake QMP server received.</summary>
internal sealed record FakeQmpRequest(string Command, long? Id, JsonElement Arguments);
