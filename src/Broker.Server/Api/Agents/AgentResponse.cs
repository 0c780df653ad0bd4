using Broker.Core.Access;

namespace Broker.Server.Api.Agents;

/// <summary>An enrolled agent's credential (never its secret).</summary>
internal sealed record AgentResponse(Guid Id, AgentKind Kind, Guid Subject, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static AgentResponse From(AgentCredential credential) =>
        new(credential.Id, credential.Kind, credential.Subject, credential.CreatedAt, credential.RevokedAt);
}
