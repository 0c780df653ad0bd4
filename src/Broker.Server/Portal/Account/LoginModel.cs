using Broker.Persistence.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Account;

/// <summary>
/// The login form. Wrong passwords count towards lockout; the answer never says whether the user
/// exists. Posts are rate limited (see <c>SecurityExtensions</c>) and need the antiforgery token.
/// </summary>
[AllowAnonymous]
internal sealed class LoginModel(SignInManager<BrokerUser> signIn) : PageModel
{
    public const string InvalidMessage = "Invalid user name or password.";

    public const string LockedOutMessage = "This account is locked after too many failed attempts. Try again later.";

    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(Input.UserName, Input.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        }

        ModelState.AddModelError(string.Empty, result.IsLockedOut ? LockedOutMessage : InvalidMessage);
        return Page();
    }
}
