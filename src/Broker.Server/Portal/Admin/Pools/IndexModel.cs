using Broker.Core.Desktops;
using Broker.Core.Images;
using Broker.Core.Pools;
using Broker.Server.Administration;
using Broker.Server.Desktops;
using Broker.Server.Pools;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Admin.Pools;

/// <summary>Pools: the list with their desktop counts, and the create form (through <see cref="PoolAdministration"/>).</summary>
internal sealed class IndexModel(IPoolStore pools, IImageStore images, IDesktopStore desktops, PoolAdministration administration) : PageModel
{
    public const string FormPrefix = "Input";

    /// <summary>Each pool with how many of its desktops exist (deleted ones not counted).</summary>
    public IReadOnlyList<(Pool Pool, int Desktops)> Pools { get; private set; } = [];

    public IReadOnlyList<GoldImage> Images { get; private set; } = [];

    [BindProperty]
    public PoolForm Input { get; set; } = new();

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var (draft, missing) = Input.ToDraft();
            var created = await administration.CreateAsync(draft, missing, Actor.UserId(User), cancellationToken);
            switch (created.Outcome)
            {
                case ChangeOutcome.Done:
                    var saved = created.Value!;
                    Notice.Done(TempData, saved.Unplaced == 0
                        ? $"Pool '{saved.Pool.Name}' created."
                        : $"Pool '{saved.Pool.Name}' created; {saved.Unplaced} desktop(s) found no host with free capacity.");
                    return RedirectToPage("Edit", new { id = saved.Pool.Id.Value });
                case ChangeOutcome.Invalid:
                    ModelState.AddErrors(FormPrefix, created.Errors);
                    break;
                default:
                    ModelState.AddModelError(string.Empty, created.Detail!);
                    break;
            }
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Images = await images.ListAsync(cancellationToken);
        var list = new List<(Pool, int)>();
        foreach (var pool in await pools.ListAsync(cancellationToken))
        {
            var members = await desktops.ListByPoolAsync(pool.Id, cancellationToken);
            list.Add((pool, members.Count(desktop => desktop.State != DesktopState.Deleted)));
        }

        Pools = list;
    }
}
