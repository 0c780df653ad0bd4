namespace Broker.Core;

/// <summary>What a store did with a write.</summary>
public enum WriteOutcome
{
    /// <summary>The write was applied.</summary>
    Saved,

    /// <summary>
    /// Someone else wrote first: the stored version differs from the one the caller read (or the id
    /// already exists on an add). Nothing was changed; the caller re-reads and decides again.
    /// </summary>
    Conflict,

    /// <summary>No entity with that id exists. Nothing was changed.</summary>
    NotFound,
}
