using Broker.Core.Desktops;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Broker.Persistence.Desktops;
using Broker.Server.Desktops;
using Broker.Server.Portal.Desktops;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Admin;

/// <summary>Every desktop, filtered by pool and state, a page at a time; force sync and revoke go through <see cref="DesktopActions"/>.</summary>
internal sealed class DesktopsModel(IDesktopQueries queries, IPoolStore pools, IHostStore hosts, DesktopActions actions, TimeProvider time) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public Guid? Pool { get; set; }

    [BindProperty(SupportsGet = true)]
    public DesktopState? State { get; set; }

    /// <summary>The page number, from 1.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<Pool> Pools { get; private set; } = [];

    public IReadOnlyList<DesktopView> Desktops { get; private set; } = [];

    public int Total { get; private set; }

    public bool HasNext => PageNumber * PageSize < Total;

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        PageNumber = Math.Max(1, PageNumber);
        if (State is { } state && !Enum.IsDefined(state))
        {
            State = null;
        }

        Pools = await pools.ListAsync(cancellationToken);
        var page = await queries.ListAsync(
            new DesktopFilter(Pool is { } pool ? new PoolId(pool) : null, State, Skip: (PageNumber - 1) * PageSize, Take: PageSize),
            cancellationToken);
        Total = page.Total;
        Desktops = DesktopView.Of(page.Items, Pools, await hosts.ListAsync(cancellationToken));
    }

    public async Task<IActionResult> OnPostForceSyncAsync(Guid id, long? epoch, CancellationToken cancellationToken)
    {
        Notice.For(TempData, await actions.ForceSyncAsync(Actor.UserId(User), new DesktopId(id), ToEpoch(epoch), cancellationToken), "Force sync");
        return RedirectToPage(new { Pool, State, p = PageNumber });
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, long? epoch, CancellationToken cancellationToken)
    {
        Notice.For(TempData, await actions.RevokeAsync(Actor.UserId(User), new DesktopId(id), ToEpoch(epoch), cancellationToken), "Revoke");
        return RedirectToPage(new { Pool, State, p = PageNumber });
    }

    private static Epoch? ToEpoch(long? epoch) => epoch is { } value ? new Epoch(value) : null;
}
