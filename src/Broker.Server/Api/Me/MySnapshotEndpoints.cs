using System.Security.Claims;
using Broker.Core.Desktops;
using Broker.Server.Api.Desktops;
using Broker.Server.Desktops;

namespace Broker.Server.Api.Me;

/// <summary>
/// The signed-in user's own desktop's snapshots (<c>GET /api/v1/me/desktops/{id}/snapshots</c>) and
/// restore to one of them (<c>POST /api/v1/me/desktops/{id}/restore</c>), through the admin's
/// service (<see cref="DesktopSnapshots"/>): the same state rules (409 with a reason), host checks and
/// audit. Another user's desktop is 404.
/// </summary>
internal static class MySnapshotEndpoints
{
    public static RouteGroupBuilder MapMySnapshotEndpoints(this RouteGroupBuilder me)
    {
        me.MapGet("/desktops/{id:guid}/snapshots", ListAsync)
            .WithTags("Me")
            .Produces<List<DesktopSnapshotResponse>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        me.MapPost("/desktops/{id:guid}/restore", RestoreAsync)
            .WithTags("Me")
            .Produces<DesktopResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return me;
    }

    private static async Task<IResult> ListAsync(Guid id, ClaimsPrincipal principal, DesktopSnapshots snapshots, CancellationToken cancellationToken) =>
        DesktopSnapshotEndpoints.For(await snapshots.ListOwnAsync(Actor.Identity(principal), new DesktopId(id), cancellationToken));

    /// <summary>The optional <c>?epoch=</c> refuses a restore based on an out-of-date view (<c>StaleEpoch</c>).</summary>
    private static async Task<IResult> RestoreAsync(
        Guid id,
        DesktopRestoreRequest request,
        ClaimsPrincipal principal,
        DesktopSnapshots snapshots,
        CancellationToken cancellationToken,
        long? epoch = null) =>
        request.Snapshot is not { } snapshot || snapshot == Guid.Empty
            ? DesktopSnapshotEndpoints.MissingSnapshot()
            : DesktopSnapshotEndpoints.For(await snapshots.RestoreOwnAsync(
                Actor.Identity(principal), new DesktopId(id), new LayerId(snapshot), AdminDesktopEndpoints.ToEpoch(epoch), cancellationToken));
}
