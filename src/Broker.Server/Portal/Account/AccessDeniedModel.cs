using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Account;

/// <summary>Where a logged-in user lands when a page needs a role they do not have.</summary>
internal sealed class AccessDeniedModel : PageModel
{
}
