using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal;

/// <summary>The home page: who is logged in and with which role. Desktops and pools come here later.</summary>
internal sealed class IndexModel : PageModel
{
    public string UserName { get; private set; } = string.Empty;

    /// <summary>The user's roles, comma-separated, or "none".</summary>
    public string Roles { get; private set; } = string.Empty;

    public void OnGet()
    {
        UserName = User.Identity?.Name ?? string.Empty;
        var roles = User.FindAll(ClaimTypes.Role).Select(claim => claim.Value).Order(StringComparer.Ordinal).ToList();
        Roles = roles.Count == 0 ? "none" : string.Join(", ", roles);
    }
}
