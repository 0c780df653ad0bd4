using Broker.Core.Desktops;
using Broker.Server.Desktops;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Desktops;

/// <summary>
/// The snapshots of one of the user's own desktops, each with a Restore form, through the service the
/// admin page and the REST API use (<see cref="DesktopSnapshots"/>): the same state rules, host checks
/// and audit. Another user's desktop answers 404, exactly like one that does not exist.
/// </summary>
internal sealed class MySnapshotsModel(DesktopActions actions, DesktopSnapshots snapshots, TimeProvider time) : PageModel
{
    public Desktop Desktop { get; private set; } = null!;

    /// <summary>The host's list, oldest first, or null when it could not be asked (see <see cref="Problem"/>).</summary>
    public IReadOnlyList<DesktopSnapshot>? Snapshots { get; private set; }

    public string? Problem { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await actions.FindOwnAsync(Actor.Identity(User), new DesktopId(id), cancellationToken) is not { } desktop)
        {
            return NotFound();
        }

        Desktop = desktop;
        Now = time.GetUtcNow();
        var listing = await snapshots.ListAsync(desktop.Id, cancellationToken);
        Snapshots = listing.Snapshots;
        Problem = listing.Detail;
        return Page();
    }

    public async Task<IActionResult> OnPostRestoreAsync(Guid id, Guid layer, long epoch, bool confirm, CancellationToken cancellationToken)
    {
        if (!confirm)
        {
            Notice.Problem(TempData, "Restore: tick the box to confirm. Nothing was changed.");
            return RedirectToPage(new { id });
        }

        var restore = await snapshots.RestoreOwnAsync(Actor.Identity(User), new DesktopId(id), new LayerId(layer), new Epoch(epoch), cancellationToken);
        if (restore.Action is { } action)
        {
            Notice.For(TempData, action, "Restore");
        }
        else
        {
            Notice.Problem(TempData, $"Restore was refused: {restore.Detail}");
        }

        return restore.Outcome == HostCallOutcome.NotFound && restore.Detail == DesktopSnapshots.NotYours
            ? RedirectToPage("/Index")
            : RedirectToPage(new { id });
    }
}
