using Broker.Core.Entitlements;
using Broker.Core.Images;
using Broker.Core.Pools;
using Broker.Persistence.Identity;
using Broker.Server.Administration;
using Broker.Server.Desktops;
using Broker.Server.Pools;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Admin.Pools;

/// <summary>One pool: edit (resize included) under the version the admin read, and add or remove entitlements.</summary>
internal sealed class EditModel(
    IPoolStore pools,
    IImageStore images,
    IEntitlementStore entitlements,
    UserManager<BrokerUser> users,
    PoolAdministration administration) : PageModel
{
    public const string FormPrefix = "Input";

    public const string EntitlementPrefix = "Entitle";

    public Pool Pool { get; private set; } = null!;

    public IReadOnlyList<GoldImage> Images { get; private set; } = [];

    /// <summary>The pool's entitlements with a display name (user name for users, the id for groups).</summary>
    public IReadOnlyList<(Entitlement Entitlement, string Name)> Entitlements { get; private set; } = [];

    [BindProperty]
    public PoolForm Input { get; set; } = new();

    [BindProperty]
    public EntitlementForm Entitle { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Input = PoolForm.From(Pool);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        ModelState.ClearValidationState(EntitlementPrefix);
        if (IsValid(FormPrefix))
        {
            var (draft, missing) = Input.ToDraft();
            var edited = await administration.EditAsync(new PoolId(id), draft, Input.Version, missing, Actor.UserId(User), cancellationToken);
            switch (edited.Outcome)
            {
                case ChangeOutcome.Done:
                    Notice.Done(TempData, edited.Value!.Unplaced == 0
                        ? "Pool saved."
                        : $"Pool saved; {edited.Value.Unplaced} desktop(s) found no host with free capacity.");
                    return RedirectToPage(new { id });
                case ChangeOutcome.Invalid:
                    ModelState.AddErrors(FormPrefix, edited.Errors);
                    break;
                case ChangeOutcome.NotFound:
                    return NotFound();
                default:
                    ModelState.AddModelError(string.Empty, edited.Detail!);
                    break;
            }
        }

        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostEntitleAsync(Guid id, CancellationToken cancellationToken)
    {
        if (IsValid(EntitlementPrefix))
        {
            var added = await administration.EntitleAsync(new PoolId(id), Entitle.Kind, Entitle.Id, Actor.UserId(User), cancellationToken);
            switch (added.Outcome)
            {
                case ChangeOutcome.Done:
                    Notice.Done(TempData, $"Entitled {added.Value!.Principal.Kind.ToString().ToLowerInvariant()} '{Entitle.Id!.Trim()}'.");
                    return RedirectToPage(new { id });
                case ChangeOutcome.Invalid:
                    ModelState.AddErrors(EntitlementPrefix, added.Errors);
                    break;
                case ChangeOutcome.NotFound:
                    return NotFound();
                default:
                    ModelState.AddModelError($"{EntitlementPrefix}.{nameof(EntitlementForm.Id)}", added.Detail!);
                    break;
            }
        }

        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Input = PoolForm.From(Pool);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveEntitlementAsync(Guid id, PrincipalKind kind, string principal, CancellationToken cancellationToken)
    {
        var removed = await administration.RemoveEntitlementAsync(new Entitlement(new PoolId(id), new Principal(kind, principal)), Actor.UserId(User), cancellationToken);
        if (removed.Outcome == ChangeOutcome.Done)
        {
            Notice.Done(TempData, "Entitlement removed.");
        }
        else
        {
            Notice.Problem(TempData, removed.Detail!);
        }

        return RedirectToPage(new { id });
    }

    /// <summary>True when the part of the page under <paramref name="prefix"/> bound without errors (the other form on the page is not posted).</summary>
    private bool IsValid(string prefix) =>
        ModelState.Where(entry => entry.Key.StartsWith(prefix + ".", StringComparison.Ordinal)).All(entry => entry.Value is not { Errors.Count: > 0 });

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var pool = await pools.FindAsync(new PoolId(id), cancellationToken);
        if (pool is null)
        {
            return false;
        }

        Pool = pool;
        Images = await images.ListAsync(cancellationToken);
        var named = new List<(Entitlement, string)>();
        foreach (var entitlement in await entitlements.ListForPoolAsync(pool.Id, cancellationToken))
        {
            var name = entitlement.Principal.Kind == PrincipalKind.User
                ? (await users.FindByIdAsync(entitlement.Principal.Id))?.UserName ?? entitlement.Principal.Id
                : entitlement.Principal.Id;
            named.Add((entitlement, name));
        }

        Entitlements = named;
        return true;
    }
}
