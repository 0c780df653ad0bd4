using System.Security.Claims;
using Broker.Core.Devices;
using Broker.Core.Hosts;
using Broker.Core.Pools;
using Broker.Server.Desktops;
using Broker.Server.Portal.Desktops;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal;

/// <summary>"My desktops": the signed-in user's desktops with their actions, and the entitled pools where they have none yet.</summary>
internal sealed class IndexModel(MyDesktops mine, DesktopActions actions, IPoolStore pools, IHostStore hosts, IDeviceStore devices) : PageModel
{
    /// <summary>The <c>back</c> value with which a desktop action returns here rather than to the desktop's page.</summary>
    public const string ReturnToList = "list";

    public string UserName { get; private set; } = string.Empty;

    /// <summary>The user's roles, comma-separated, or "none".</summary>
    public string Roles { get; private set; } = string.Empty;

    public IReadOnlyList<DesktopView> Desktops { get; private set; } = [];

    /// <summary>Entitled pools in which the user has no desktop yet.</summary>
    public IReadOnlyList<Pool> PoolsWithoutDesktop { get; private set; } = [];

    public IReadOnlyList<Device> Devices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        UserName = User.Identity?.Name ?? string.Empty;
        var roles = User.FindAll(ClaimTypes.Role).Select(claim => claim.Value).Order(StringComparer.Ordinal).ToList();
        Roles = roles.Count == 0 ? "none" : string.Join(", ", roles);

        var user = Actor.Identity(User);
        var desktops = await mine.ListDesktopsAsync(user, cancellationToken);
        var entitled = await mine.ListPoolsAsync(user, cancellationToken);
        Desktops = DesktopView.Of(desktops, await pools.ListAsync(cancellationToken), await hosts.ListAsync(cancellationToken));
        PoolsWithoutDesktop = [.. entitled.Where(pool => desktops.All(desktop => desktop.Pool != pool.Id))];
        Devices = await devices.ListByOwnerAsync(user.Id, cancellationToken);
    }

    /// <summary>Assigns the user a desktop in pool <paramref name="pool"/> (the same rules as the REST API).</summary>
    public async Task<IActionResult> OnPostAssignAsync(Guid pool, CancellationToken cancellationToken)
    {
        Notice.For(TempData, await actions.AssignAsync(Actor.Identity(User), new PoolId(pool), cancellationToken), "Get a desktop");
        return RedirectToPage();
    }
}
