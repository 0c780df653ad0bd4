using Broker.Core.Desktops;
using Broker.Server.Desktops;
using Microsoft.AspNetCore.Mvc;

namespace Broker.Server.Portal.Desktops;

/// <summary>
/// The snapshots of one of the user's own desktops, each with a Restore form, through the service the
/// admin page and the REST API use: the same state rules, host checks and audit. Another user's
/// desktop answers 404, exactly like one that does not exist.
/// </summary>
internal sealed class MySnapshotsModel(DesktopActions actions, DesktopSnapshots snapshots, TimeProvider time) : SnapshotsPageModel(snapshots, time)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await ShowAsync(await actions.FindOwnAsync(Actor.Identity(User), new DesktopId(id), cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostRestoreAsync(Guid id, Guid layer, long epoch, bool confirm, CancellationToken cancellationToken)
    {
        var restore = await ConfirmedRestoreAsync(confirm, "Restore", () =>
            Service.RestoreOwnAsync(Actor.Identity(User), new DesktopId(id), new LayerId(layer), new Epoch(epoch), cancellationToken));
        return restore is { Outcome: HostCallOutcome.NotFound, Detail: DesktopSnapshots.NotYours }
            ? RedirectToPage("/Index")
            : RedirectToPage(new { id });
    }
}
