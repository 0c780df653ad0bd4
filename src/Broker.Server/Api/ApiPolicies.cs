namespace Broker.Server.Api;

/// <summary>Authorization policy names of the API.</summary>
internal static class ApiPolicies
{
    /// <summary>Members of the Admin role.</summary>
    public const string Admin = "api.admin";
}
