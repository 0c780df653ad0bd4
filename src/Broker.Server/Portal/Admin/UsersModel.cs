using Broker.Persistence.Identity;
using Broker.Server.Administration;
using Broker.Server.Desktops;
using Broker.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Broker.Server.Portal.Admin;

/// <summary>
/// Users and groups: the list with roles and groups, create a user, set a user's role (through
/// <see cref="UserAdministration"/>), put a user in a group or take them out (through <see cref="GroupMembership"/>).
/// </summary>
internal sealed class UsersModel(UserManager<BrokerUser> users, UserAdministration administration, GroupMembership membership) : PageModel
{
    public const string FormPrefix = "Input";

    public const string MembershipPrefix = "Membership";

    /// <summary>The most groups the page lists; the REST API pages through more.</summary>
    public const int GroupsShown = 500;

    /// <summary>Every user with their roles and groups, by user name.</summary>
    public IReadOnlyList<(BrokerUser User, string Roles, IReadOnlyList<string> Groups)> Users { get; private set; } = [];

    /// <summary>The groups with their members, by name.</summary>
    public GroupPage Groups { get; private set; } = new([], 0);

    [BindProperty]
    public UserForm Input { get; set; } = new();

    [BindProperty]
    public GroupMembershipForm Membership { get; set; } = new();

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

    public async Task<IActionResult> OnPostAddToGroupAsync(CancellationToken cancellationToken)
    {
        var added = await membership.AddAsync(Membership.UserId ?? string.Empty, Membership.Group?.Trim(), Actor.UserId(User), cancellationToken);
        switch (added.Outcome)
        {
            case ChangeOutcome.Done:
                var change = added.Value!;
                Notice.Done(TempData, change.Changed
                    ? $"'{change.User.UserName}' is now in group '{change.Group}'."
                    : $"'{change.User.UserName}' already was in group '{change.Group}'.");
                return RedirectToPage();
            case ChangeOutcome.Invalid:
                ModelState.AddErrors(MembershipPrefix, added.Errors);
                break;
            case ChangeOutcome.NotFound:
                ModelState.AddModelError($"{MembershipPrefix}.{nameof(GroupMembershipForm.UserId)}", "Choose a user from the list.");
                break;
            default:
                ModelState.AddModelError($"{MembershipPrefix}.{nameof(GroupMembershipForm.Group)}", added.Detail!);
                break;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveFromGroupAsync(string id, string group, CancellationToken cancellationToken)
    {
        var removed = await membership.RemoveAsync(id, group, Actor.UserId(User), cancellationToken);
        if (removed.Outcome == ChangeOutcome.Done)
        {
            Notice.Done(TempData, $"'{removed.Value!.User.UserName}' is no longer in group '{group}'.");
        }
        else
        {
            Notice.Problem(TempData, removed.Detail ?? string.Join(" ", removed.Errors.Select(error => $"Group {error.Message}")));
        }

        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var list = new List<(BrokerUser, string, IReadOnlyList<string>)>();
        foreach (var user in await users.Users.OrderBy(user => user.UserName).ToListAsync(cancellationToken))
        {
            list.Add((user, string.Join(", ", await users.GetRolesAsync(user)), await membership.GroupsOfAsync(user.Id, cancellationToken)));
        }

        Users = list;
        Groups = await membership.ListAsync(0, GroupsShown, cancellationToken);
    }
}
