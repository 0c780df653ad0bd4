using System.Collections.Concurrent;
using Broker.Contracts.V1;

namespace Broker.Server.Agents;

/// <summary>The open agent streams of this broker instance, at most one per agent.</summary>
internal sealed class AgentSessions
{
    private readonly ConcurrentDictionary<AgentIdentity, AgentSession> _open = new();

    /// <summary>Every open session.</summary>
    public IReadOnlyCollection<AgentSession> All => [.. _open.Values];

    /// <summary>Registers a new stream of <paramref name="agent"/>; an older stream of the same agent is ended.</summary>
    public AgentSession Open(AgentIdentity agent)
    {
        var session = new AgentSession(agent);
        _open.AddOrUpdate(agent, session, (_, previous) =>
        {
            previous.End();
            return session;
        });
        return session;
    }

    /// <summary>Forgets <paramref name="session"/> unless a newer stream already replaced it.</summary>
    public void Close(AgentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _open.TryRemove(KeyValuePair.Create(session.Agent, session));
        session.End();
    }

    /// <summary>True when <paramref name="agent"/> has a stream open on this instance.</summary>
    public bool IsOpen(AgentIdentity agent) => _open.ContainsKey(agent);

    /// <summary>Queues <paramref name="message"/> on <paramref name="agent"/>'s stream; false when it is not connected here.</summary>
    public bool TrySend(AgentIdentity agent, BrokerMessage message) =>
        _open.TryGetValue(agent, out var session) && session.TrySend(message);

    /// <summary>As <see cref="AgentSession.TrySendOnce"/> on <paramref name="agent"/>'s stream; false when not connected here or already in flight.</summary>
    public bool TrySendOnce(AgentIdentity agent, AgentCommand command) =>
        _open.TryGetValue(agent, out var session) && session.TrySendOnce(command);
}
