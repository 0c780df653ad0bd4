namespace Broker.Server.Administration;

/// <summary>How an admin change (pool, image, host, entitlement) ended; the REST API and the portal each map it to their own answer.</summary>
internal enum ChangeOutcome
{
    /// <summary>Validated, saved and audited.</summary>
    Done,

    /// <summary>The input breaks rules (see <see cref="ChangeResult{T}.Errors"/>); nothing was saved.</summary>
    Invalid,

    /// <summary>The object changed does not exist; nothing was saved.</summary>
    NotFound,

    /// <summary>A duplicate, or someone else changed the object first; nothing was saved.</summary>
    Conflict,
}
