namespace Broker.Core.Access;

/// <summary>Where enrollment tokens are kept.</summary>
public interface IEnrollmentTokenStore
{
    /// <summary>The token, or <see langword="null"/> when none has that id.</summary>
    Task<EnrollmentToken?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Adds a token; <see cref="WriteOutcome.Conflict"/> when the id exists.</summary>
    Task<WriteResult> AddAsync(EnrollmentToken token, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the token used if it is unused and unexpired at <paramref name="at"/>, in one
    /// conditional write: of two agents racing with the same token exactly one gets true.
    /// </summary>
    Task<bool> TryConsumeAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken);
}
