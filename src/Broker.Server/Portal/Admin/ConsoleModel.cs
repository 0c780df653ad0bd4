using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Server.Api.Desktops;
using Broker.Server.Desktops;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Admin;

/// <summary>
/// A desktop's serial console: the last <see cref="TailBytes"/> of its log, read from its host
/// through <see cref="DesktopConsoles"/> on every load (the Reload button loads again). The guest
/// wrote the text: Razor HTML-encodes it like any other value.
/// </summary>
internal sealed class ConsoleModel(IDesktopStore desktops, DesktopConsoles consoles) : PageModel
{
    public const int TailBytes = DesktopConsoleEndpoints.DefaultTail;

    public Desktop Desktop { get; private set; } = null!;

    /// <summary>The log's tail, or null when the host could not be asked (see <see cref="Problem"/>).</summary>
    public DesktopConsoleResponse? Console { get; private set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await desktops.FindAsync(new DesktopId(id), cancellationToken) is not { } desktop)
        {
            return NotFound();
        }

        Desktop = desktop;
        var read = await consoles.ReadAsync(desktop.Id, offset: null, TailBytes, (uint)TailBytes, cancellationToken);
        if (read.Text is ConsoleText text)
        {
            Console = DesktopConsoleResponse.From(id, text);
        }
        else
        {
            Problem = read.Detail;
        }

        return Page();
    }
}
