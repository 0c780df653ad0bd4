using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Broker.Server.Desktops;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Desktops;

/// <summary>
/// One of the user's desktops: state, last sync, lease expiry, the device's transfer progress (from
/// <see cref="IDesktopProgressBoard"/>) and the actions. Another user's desktop answers 404,
/// exactly like one that does not exist. Each action posts here, goes through
/// <see cref="DesktopActions"/> (the REST API's service) and redirects back with a notice.
/// </summary>
internal sealed class DetailModel(DesktopActions actions, IPoolStore pools, IHostStore hosts, IDeviceStore devices, IDesktopProgressBoard progress, TimeProvider time) : PageModel
{
    public DesktopView View { get; private set; } = null!;

    public IReadOnlyList<Device> Devices { get; private set; } = [];

    /// <summary>The name of the device the desktop is checked out to, if any.</summary>
    public string? DeviceName { get; private set; }

    public DateTimeOffset Now { get; private set; }

    /// <summary>The device's latest transfer progress, or null.</summary>
    public TransferView? Transfer { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var desktop = await actions.FindOwnAsync(Actor.Identity(User), new DesktopId(id), cancellationToken);
        if (desktop is null)
        {
            return NotFound();
        }

        View = DesktopView.Of([desktop], await pools.ListAsync(cancellationToken), await hosts.ListAsync(cancellationToken))[0];
        Devices = await devices.ListByOwnerAsync(Actor.Identity(User).Id, cancellationToken);
        DeviceName = Devices.FirstOrDefault(device => device.Id == desktop.Device)?.Name;
        Now = time.GetUtcNow();
        Transfer = TransferView.Of(progress.Latest(desktop.Id));
        return Page();
    }

    /// <summary>The live part of the page as JSON, polled by <c>js/desktop-progress.js</c>.</summary>
    public async Task<IActionResult> OnGetProgressAsync(Guid id, CancellationToken cancellationToken)
    {
        var desktop = await actions.FindOwnAsync(Actor.Identity(User), new DesktopId(id), cancellationToken);
        if (desktop is null)
        {
            return NotFound();
        }

        var now = time.GetUtcNow();
        var view = new DesktopView(desktop, string.Empty, string.Empty, OfflineAllowed: false);
        return new JsonResult(new DesktopProgress(
            view.StateText,
            view.IsMoving,
            PortalText.When(desktop.LastSyncAt, now),
            PortalText.When(desktop.Lease?.ExpiresAt, now, "no lease"),
            TransferView.Of(progress.Latest(desktop.Id))));
    }

    public Task<IActionResult> OnPostStartAsync(Guid id, long? epoch, string? back, CancellationToken cancellationToken) =>
        RunAsync(id, back, "Start", actions.StartAsync(Actor.Identity(User), new DesktopId(id), ToEpoch(epoch), cancellationToken));

    public Task<IActionResult> OnPostStopAsync(Guid id, long? epoch, string? back, CancellationToken cancellationToken) =>
        RunAsync(id, back, "Stop", actions.StopAsync(Actor.Identity(User), new DesktopId(id), ToEpoch(epoch), cancellationToken));

    public Task<IActionResult> OnPostRestartAsync(Guid id, long? epoch, string? back, CancellationToken cancellationToken) =>
        RunAsync(id, back, "Restart", actions.RestartAsync(Actor.Identity(User), new DesktopId(id), ToEpoch(epoch), cancellationToken));

    public Task<IActionResult> OnPostCheckOutAsync(Guid id, Guid? device, long? epoch, string? back, CancellationToken cancellationToken) =>
        RunAsync(id, back, "Check out", actions.CheckOutAsync(Actor.Identity(User), new DesktopId(id), new DeviceId(device ?? Guid.Empty), ToEpoch(epoch), cancellationToken));

    public Task<IActionResult> OnPostCancelCheckOutAsync(Guid id, long? epoch, string? back, CancellationToken cancellationToken) =>
        RunAsync(id, back, "Cancel check-out", actions.CancelCheckOutAsync(Actor.Identity(User), new DesktopId(id), ToEpoch(epoch), cancellationToken));

    public Task<IActionResult> OnPostCheckInAsync(Guid id, long? epoch, string? back, CancellationToken cancellationToken) =>
        RunAsync(id, back, "Check in", actions.CheckInAsync(Actor.Identity(User), new DesktopId(id), ToEpoch(epoch), cancellationToken));

    public Task<IActionResult> OnPostSyncNowAsync(Guid id, long? epoch, string? back, CancellationToken cancellationToken) =>
        RunAsync(id, back, "Sync now", actions.SyncNowAsync(Actor.Identity(User), new DesktopId(id), ToEpoch(epoch), cancellationToken));

    private static Epoch? ToEpoch(long? epoch) => epoch is { } value ? new Epoch(value) : null;

    private async Task<IActionResult> RunAsync(Guid id, string? back, string action, Task<DesktopActionResult> run)
    {
        var result = await run;
        Notice.For(TempData, result, action);
        return back == IndexModel.ReturnToList || result.Outcome == DesktopActionOutcome.NotFound
            ? RedirectToPage("/Index")
            : RedirectToPage(new { id });
    }
}
