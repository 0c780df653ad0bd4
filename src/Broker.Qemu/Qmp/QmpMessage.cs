using System.Text.Json;

namespace Broker.Qemu.Qmp;

/// <summary>One message from QEMU after the greeting, as the client routes it.</summary>
internal abstract record QmpMessage
{
    private QmpMessage()
    {
    }

    /// <summary>An asynchronous event.</summary>
    public sealed record Event(QmpEvent Value) : QmpMessage;

    /// <summary>A command's reply: <see cref="Return"/> on success, else <see cref="Error"/>.</summary>
    public sealed record Reply(long? Id, JsonElement Return, QmpError? Error) : QmpMessage;

    /// <summary>A message of a kind this client does not know; ignored for forward compatibility.</summary>
    public sealed record Other : QmpMessage;
}
