using Broker.Core.Hosts;
using Broker.Server.Administration;
using Broker.Server.Desktops;
using Broker.Server.Hosts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Admin;

/// <summary>Hosts: health, last report, capacity; drain and undrain (through <see cref="HostAdministration"/>).</summary>
internal sealed class HostsModel(IHostStore hosts, HostAdministration administration, TimeProvider time) : PageModel
{
    public IReadOnlyList<Broker.Core.Hosts.Host> Hosts { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        Hosts = await hosts.ListAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostDrainAsync(Guid id, long version, CancellationToken cancellationToken) => SetDrainingAsync(id, version, draining: true, cancellationToken);

    public Task<IActionResult> OnPostUndrainAsync(Guid id, long version, CancellationToken cancellationToken) => SetDrainingAsync(id, version, draining: false, cancellationToken);

    private async Task<IActionResult> SetDrainingAsync(Guid id, long version, bool draining, CancellationToken cancellationToken)
    {
        var changed = await administration.SetDrainingAsync(new HostId(id), draining, version, Actor.UserId(User), cancellationToken);
        if (changed.Outcome == ChangeOutcome.Done)
        {
            Notice.Done(TempData, draining ? $"Host '{changed.Value!.Name}' is draining: it gets no new desktops." : $"Host '{changed.Value!.Name}' takes new desktops again.");
        }
        else
        {
            Notice.Problem(TempData, changed.Detail!);
        }

        return RedirectToPage();
    }
}
