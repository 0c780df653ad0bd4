using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Broker.Core.Quarantine;
using Broker.Persistence.Desktops;
using Broker.Server.Administration;
using Broker.Server.Desktops;
using Broker.Server.Portal.Desktops;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Admin;

/// <summary>
/// Every desktop, filtered by pool and state, a page at a time, with the layers each one's host keeps
/// in quarantine; force sync and revoke go through <see cref="DesktopActions"/>, promote through
/// <see cref="DesktopQuarantine"/>.
/// </summary>
internal sealed class DesktopsModel(
    IDesktopQueries queries,
    IPoolStore pools,
    IHostStore hosts,
    IQuarantineStore quarantine,
    IDeviceStore devices,
    DesktopActions actions,
    DesktopQuarantine promotions,
    TimeProvider time) : PageModel
{
    public const int PageSize = 50;

    private Dictionary<DeviceId, string> _deviceNames = [];

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

    /// <summary>The quarantined layers of the desktops on this page, by desktop.</summary>
    public ILookup<DesktopId, QuarantinedLayer> Quarantine { get; private set; } = Array.Empty<QuarantinedLayer>().ToLookup(layer => layer.Desktop);

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
        var quarantined = await quarantine.ListAsync([.. page.Items.Select(desktop => desktop.Id)], cancellationToken);
        Quarantine = quarantined.ToLookup(layer => layer.Desktop);
        _deviceNames = quarantined.Count == 0 ? []
            : (await devices.FindManyAsync([.. quarantined.Select(layer => layer.Device).Distinct()], cancellationToken)).ToDictionary(device => device.Id, device => device.Name);
    }

    /// <summary>The device's name, or its id when it is gone.</summary>
    public string DeviceName(DeviceId device) => _deviceNames.GetValueOrDefault(device) ?? device.ToString();

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

    public async Task<IActionResult> OnPostPromoteAsync(Guid id, Guid layer, CancellationToken cancellationToken)
    {
        var promoted = await promotions.PromoteAsync(Actor.UserId(User), new DesktopId(id), new LayerId(layer), cancellationToken);
        if (promoted.Outcome == ChangeOutcome.Done)
        {
            Notice.Done(TempData, $"Promote: the host was told to run the desktop on from layer {layer}; the old chain is kept as a branch.");
        }
        else
        {
            Notice.Problem(TempData, $"Promote was refused: {promoted.Detail}");
        }

        return RedirectToPage(new { Pool, State, p = PageNumber });
    }

    private static Epoch? ToEpoch(long? epoch) => epoch is { } value ? new Epoch(value) : null;
}
