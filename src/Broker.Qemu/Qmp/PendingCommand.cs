using System.Text.Json;

namespace Broker.Qemu.Qmp;

/// <summary>A command sent and waiting for its reply.</summary>
internal sealed class PendingCommand
{
    private readonly TaskCompletionSource<JsonElement> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingCommand(string command)
    {
        Command = command;
    }

    public string Command { get; }

    public Task<JsonElement> Reply => _reply.Task;

    public void Complete(JsonElement value) => _reply.TrySetResult(value);

    public void Fail(Exception exception) => _reply.TrySetException(exception);
}
