using Broker.Persistence.Identity;
using Broker.Server.Administration;
using Broker.Server.Desktops;
using Broker.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Broker.Server.Portal.Admin;

/// <summary>Users: the list with roles, create a user, set a user's role (through <see cref="UserAdministration"/>).</summary>
internal sealed class UsersModel(UserManager<BrokerUser> users, UserAdministration administration) : PageModel
{
    public const string FormPrefix = "Input";

    /// <summary>Every user with their roles, by user name.</summary>
    public IReadOnlyList<(BrokerUser User, string Roles)> Users { get; private set; } = [];

    [BindProperty]
    public UserForm Input { get; set; } = new();

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var created = await administration.CreateAsync(Input.UserName, Input.Password, Input.Role, Actor.UserId(User), cancellationToken);
        switch (created.Outcome)
        {
            case ChangeOutcome.Done:
                Notice.Done(TempData, $"User '{created.Value!.UserName}' created.");
                return RedirectToPage();
            case ChangeOutcome.Invalid:
                ModelState.AddErrors(FormPrefix, created.Errors);
                break;
            default:
                ModelState.AddModelError($"{FormPrefix}.{nameof(UserForm.UserName)}", created.Detail!);
                break;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostSetRoleAsync(string id, string? role, CancellationToken cancellationToken)
    {
        var changed = await administration.SetRoleAsync(id, role, Actor.UserId(User), cancellationToken);
        if (changed.Outcome == ChangeOutcome.Done)
        {
            Notice.Done(TempData, $"'{changed.Value!.UserName}' is now {role}.");
        }
        else
        {
            Notice.Problem(TempData, changed.Detail ?? string.Join(" ", changed.Errors.Select(error => $"Role {error.Message}")));
        }

        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var list = new List<(BrokerUser, string)>();
        foreach (var user in await users.Users.OrderBy(user => user.UserName).ToListAsync(cancellationToken))
        {
            list.Add((user, string.Join(", ", await users.GetRolesAsync(user))));
        }

        Users = list;
    }
}
