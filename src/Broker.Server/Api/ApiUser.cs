using System.Security.Claims;

namespace Broker.Server.Api;

/// <summary>How the API names the caller in audit entries: the stable user id.</summary>
internal static class ApiUser
{
    public static string Name(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("An authenticated principal has no user id claim.");
}
