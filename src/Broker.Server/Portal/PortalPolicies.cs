namespace Broker.Server.Portal;

/// <summary>Authorization policy names of the portal.</summary>
internal static class PortalPolicies
{
    /// <summary>Members of the Admin role; every page under <c>/Admin</c> needs it.</summary>
    public const string Admin = "portal.admin";
}
