using System.Security.Claims;
using Broker.Core.Desktops;
using Broker.Server.Api.Desktops;
using Broker.Server.Desktops;

namespace Broker.Server.Api.Me;

/// <summary>
/// The signed-in user starts or stops their own desktop's VM on the server, as the portal's buttons
/// do. <c>?epoch=</c> is the epoch the caller saw (optional); another user's desktop is 404.
/// </summary>
internal static class MyDesktopPowerEndpoints
{
    public static RouteGroupBuilder MapMyDesktopPowerEndpoints(this RouteGroupBuilder me)
    {
        me.MapPost("/desktops/{id:guid}/start", StartAsync)
            .WithTags("Me")
            .Produces<DesktopResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        me.MapPost("/desktops/{id:guid}/stop", StopAsync)
            .WithTags("Me")
            .Produces<DesktopResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return me;
    }

    private static async Task<IResult> StartAsync(Guid id, long? epoch, ClaimsPrincipal principal, DesktopActions actions, CancellationToken cancellationToken) =>
        ApiProblems.For(await actions.StartAsync(Actor.Identity(principal), new DesktopId(id), AdminDesktopEndpoints.ToEpoch(epoch), cancellationToken));

    private static async Task<IResult> StopAsync(Guid id, long? epoch, ClaimsPrincipal principal, DesktopActions actions, CancellationToken cancellationToken) =>
        ApiProblems.For(await actions.StopAsync(Actor.Identity(principal), new DesktopId(id), AdminDesktopEndpoints.ToEpoch(epoch), cancellationToken));
}
