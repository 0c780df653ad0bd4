using Broker.Core.Desktops;
using Broker.Server.Desktops;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal;

/// <summary>
/// What the admin's and the user's snapshot pages share: the host's list of a desktop's snapshots,
/// asked on every load (<see cref="DesktopSnapshots"/>), and a Restore form that must be confirmed
/// with its checkbox (checked here too, so it holds without a browser's help). Each page says whose
/// desktops it shows and which restore it runs.
/// </summary>
internal abstract class SnapshotsPageModel(DesktopSnapshots snapshots, TimeProvider time) : PageModel
{
    public Desktop Desktop { get; private set; } = null!;

    /// <summary>The host's list, oldest first, or null when it could not be asked (see <see cref="Problem"/>).</summary>
    public IReadOnlyList<DesktopSnapshot>? Snapshots { get; private set; }

    public string? Problem { get; private set; }

    public DateTimeOffset Now { get; private set; }

    /// <summary>The service that lists and restores snapshots.</summary>
    protected DesktopSnapshots Service { get; } = snapshots;

    /// <summary>The page for <paramref name="desktop"/> with its host's list; 404 when it is null (missing, or not the user's).</summary>
    protected async Task<IActionResult> ShowAsync(Desktop? desktop, CancellationToken cancellationToken)
    {
        if (desktop is null)
        {
            return NotFound();
        }

        Desktop = desktop;
        Now = time.GetUtcNow();
        var listing = await Service.ListAsync(desktop.Id, cancellationToken);
        Snapshots = listing.Snapshots;
        Problem = listing.Detail;
        return Page();
    }

    /// <summary>
    /// Runs <paramref name="restore"/> when <paramref name="confirm"/> is ticked and leaves its
    /// outcome (named <paramref name="what"/>) as the next page's notice; null when not confirmed.
    /// </summary>
    protected async Task<DesktopRestore?> ConfirmedRestoreAsync(bool confirm, string what, Func<Task<DesktopRestore>> restore)
    {
        ArgumentNullException.ThrowIfNull(restore);
        if (!confirm)
        {
            Notice.Problem(TempData, "Restore: tick the box to confirm. Nothing was changed.");
            return null;
        }

        var done = await restore();
        if (done.Action is { } action)
        {
            Notice.For(TempData, action, what);
        }
        else
        {
            Notice.Problem(TempData, $"Restore was refused: {done.Detail}");
        }

        return done;
    }
}
