using Broker.Core.Desktops;
using Broker.Server.Desktops;
using Microsoft.AspNetCore.Mvc;

namespace Broker.Server.Portal.Admin.Desktops;

/// <summary>
/// Any desktop's snapshots for an admin, each with a Restore form, through the same service as the
/// REST API: state rules, host validation and audit are the same.
/// </summary>
internal sealed class SnapshotsModel(IDesktopStore desktops, DesktopSnapshots snapshots, TimeProvider time) : SnapshotsPageModel(snapshots, time)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await ShowAsync(await desktops.FindAsync(new DesktopId(id), cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostRestoreAsync(Guid id, Guid layer, long epoch, bool confirm, CancellationToken cancellationToken)
    {
        _ = await ConfirmedRestoreAsync(confirm, $"Restore to {layer}", () =>
            Service.RestoreAsync(Actor.UserId(User), new DesktopId(id), new LayerId(layer), new Epoch(epoch), cancellationToken));
        return RedirectToPage(new { id });
    }
}
