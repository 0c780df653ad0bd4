using Broker.Core.Access;
using Broker.Core.Cluster;
using Google.Protobuf;
using ProtoCommand = Broker.Contracts.V1.AgentCommand;

namespace Broker.Server.Agents;

/// <summary>
/// Carries an order for an agent whose stream another broker instance holds (instances sharing
/// one PostgreSQL database; on SQLite there is one instance and nothing to carry): the dispatcher
/// publishes it on the <see cref="IClusterBus"/>, and every instance hands what it receives to the
/// agents connected to it, the same way it sends its own orders. An order can reach the agent only
/// from the instance holding its stream, so it is never delivered twice.
/// </summary>
internal sealed partial class AgentCommandRelay(IClusterBus bus, AgentSessions sessions, ILogger<AgentCommandRelay> logger) : BackgroundService
{
    /// <summary>Publishes <paramref name="command"/> for <paramref name="agent"/>; <paramref name="oncePerEpoch"/> as <see cref="AgentSessions.TrySendOnce"/>.</summary>
    public async Task PublishAsync(AgentIdentity agent, ProtoCommand command, bool oncePerEpoch, CancellationToken cancellationToken)
    {
        var payload = $"{agent.Kind}:{agent.Subject:D}:{(oncePerEpoch ? 1 : 0)}:{Convert.ToBase64String(command.ToByteArray())}";
        if (payload.Length > bus.MaxPayloadBytes)
        {
            LogTooLarge(logger, command.Kind, agent.Actor, payload.Length);
            return;
        }

        try
        {
            await bus.PublishAsync(payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The order is lost as if the agent were offline; the action that issued it stands.
            LogPublishFailed(logger, exception, command.Kind, agent.Actor);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => bus.ListenAsync(DeliverAsync, stoppingToken);

    private Task DeliverAsync(string payload, CancellationToken cancellationToken)
    {
        if (Parse(payload) is not var (agent, command, oncePerEpoch))
        {
            LogUnreadable(logger, payload.Length);
        }
        else if (sessions.IsOpen(agent))
        {
            _ = oncePerEpoch ? sessions.TrySendOnce(agent, command) : sessions.TrySend(agent, new Contracts.V1.BrokerMessage { Command = command });
        }

        return Task.CompletedTask;
    }

    private static (AgentIdentity Agent, ProtoCommand Command, bool OncePerEpoch)? Parse(string payload)
    {
        var parts = payload.Split(':');
        if (parts.Length != 4 || !Enum.TryParse<AgentKind>(parts[0], out var kind) || !Guid.TryParse(parts[1], out var subject) || parts[2] is not ("0" or "1"))
        {
            return null;
        }

        try
        {
            return (new AgentIdentity(kind, subject), ProtoCommand.Parser.ParseFrom(Convert.FromBase64String(parts[3])), parts[2] == "1");
        }
        catch (Exception exception) when (exception is FormatException or InvalidProtocolBufferException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 1410, Level = LogLevel.Warning, Message = "Order {Kind} for {Agent} is too large ({Length} bytes) to hand to another broker instance; it is dropped")]
    private static partial void LogTooLarge(ILogger logger, Contracts.V1.AgentCommandKind kind, string agent, int length);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Warning, Message = "Order {Kind} for {Agent} could not be handed to the other broker instances")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, Contracts.V1.AgentCommandKind kind, string agent);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Warning, Message = "A message from another broker instance ({Length} characters) is no agent order; ignored")]
    private static partial void LogUnreadable(ILogger logger, int length);
}
