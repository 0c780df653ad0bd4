using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Account;

/// <summary>Where a logged-in user lands when a page needs a role they do not have; answered with 403.</summary>
internal sealed class AccessDeniedModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
