using System.Text.Json;

namespace Broker.Qemu.Qmp;

/// <summary>An asynchronous QMP event such as <c>SHUTDOWN</c>, <c>STOP</c>, <c>RESUME</c> or <c>POWERDOWN</c>.</summary>
/// <param name="Name">The event name as QEMU sends it.</param>
/// <param name="Data">The event's <c>data</c> member, or an undefined element when it has none.</param>
/// <param name="Timestamp">When QEMU raised it (host clock), or null when QEMU sent none or an invalid one.</param>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset? Timestamp);
