using Broker.Core.Desktops;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Broker.Persistence.Desktops;
using Broker.Server.Portal.Desktops;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Admin;

/// <summary>The admin dashboard: hosts and their health, desktops counted by state, and desktops checked out to devices.</summary>
internal sealed class IndexModel(IHostStore hosts, IPoolStore pools, IDesktopQueries queries, TimeProvider time) : PageModel
{
    public IReadOnlyList<Broker.Core.Hosts.Host> Hosts { get; private set; } = [];

    /// <summary>How many desktops are in each state (states with none left out).</summary>
    public IReadOnlyList<(DesktopState State, int Count)> Counts { get; private set; } = [];

    public IReadOnlyList<DesktopView> CheckedOut { get; private set; } = [];

    /// <summary>How many desktops are checked out in all (the list shows the first page).</summary>
    public int CheckedOutTotal { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        Hosts = await hosts.ListAsync(cancellationToken);
        var counts = new List<(DesktopState, int)>();
        foreach (var state in Enum.GetValues<DesktopState>())
        {
            var page = await queries.ListAsync(new DesktopFilter(State: state, Take: 1), cancellationToken);
            if (page.Total > 0)
            {
                counts.Add((state, page.Total));
            }
        }

        Counts = counts;
        var checkedOut = await queries.ListAsync(new DesktopFilter(State: DesktopState.CheckedOut, Take: DesktopFilter.MaxTake), cancellationToken);
        CheckedOutTotal = checkedOut.Total;
        CheckedOut = DesktopView.Of(checkedOut.Items, await pools.ListAsync(cancellationToken), Hosts);
    }
}
