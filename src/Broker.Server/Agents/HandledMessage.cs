using Broker.Contracts.V1;

namespace Broker.Server.Agents;

/// <summary>What <see cref="AgentMessageHandler"/> made of one agent message.</summary>
/// <param name="Ack">The answer to send back.</param>
/// <param name="ChangesPlan">
/// True when the message may change what the reconcile loop decides (a desktop report, a command
/// result, a heartbeat that differs from the previous one), so a round should run soon; false for
/// a heartbeat that repeats the previous one.
/// </param>
internal readonly record struct HandledMessage(Ack Ack, bool ChangesPlan);
