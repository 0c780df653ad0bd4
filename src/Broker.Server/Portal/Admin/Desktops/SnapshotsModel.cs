using Broker.Core.Desktops;
using Broker.Server.Desktops;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Admin.Desktops;

/// <summary>
/// A desktop's snapshots as its host lists them (<see cref="DesktopSnapshots"/>, asked on every
/// load), each with a Restore form. A restore must be confirmed with the form's checkbox (checked
/// again here, so it holds without a browser's help) and goes through the same service as the REST
/// API: state rules, host validation and audit are the same.
/// </summary>
internal sealed class SnapshotsModel(IDesktopStore desktops, DesktopSnapshots snapshots, TimeProvider time) : PageModel
{
    public Desktop Desktop { get; private set; } = null!;

    /// <summary>The host's list, oldest first, or null when it could not be asked (see <see cref="Problem"/>).</summary>
    public IReadOnlyList<DesktopSnapshot>? Snapshots { get; private set; }

    public string? Problem { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await desktops.FindAsync(new DesktopId(id), cancellationToken) is not { } desktop)
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

        var restore = await snapshots.RestoreAsync(Actor.UserId(User), new DesktopId(id), new LayerId(layer), new Epoch(epoch), cancellationToken);
        if (restore.Action is { } action)
        {
            Notice.For(TempData, action, $"Restore to {layer}");
        }
        else
        {
            Notice.Problem(TempData, $"Restore was refused: {restore.Detail}");
        }

        return RedirectToPage(new { id });
    }
}
