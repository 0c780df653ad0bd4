namespace Broker.Core.Access;

/// <summary>What a personal access token may do on the REST API. A token never grants more than its user has.</summary>
[Flags]
public enum TokenScopes
{
    /// <summary>Nothing (not a valid token scope).</summary>
    None = 0,

    /// <summary>GET and HEAD requests.</summary>
    Read = 1,

    /// <summary>Requests that change things (POST, PUT, PATCH, DELETE).</summary>
    Write = 2,

    /// <summary>The admin endpoints, if the user is an admin.</summary>
    Admin = 4,
}
