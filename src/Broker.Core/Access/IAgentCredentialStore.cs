namespace Broker.Core.Access;

/// <summary>Where agent credentials are kept.</summary>
public interface IAgentCredentialStore
{
    /// <summary>The credential, or <see langword="null"/> when none has that id.</summary>
    Task<AgentCredential?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Every credential, newest first.</summary>
    Task<IReadOnlyList<AgentCredential>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds a credential; <see cref="WriteOutcome.Conflict"/> when the id exists.</summary>
    Task<WriteResult> AddAsync(AgentCredential credential, CancellationToken cancellationToken);

    /// <summary>Revokes an active credential; <see cref="WriteOutcome.NotFound"/> when there is no active one with that id.</summary>
    Task<WriteOutcome> RevokeAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken);
}
