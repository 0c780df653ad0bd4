using System.Security.Claims;
using Broker.Core.Desktops;
using Broker.Server.Desktops;

namespace Broker.Server.Api.Desktops;

/// <summary>
/// Admin: a desktop's snapshots as its host lists them (<c>GET /api/v1/admin/desktops/{id}/snapshots</c>)
/// and restore to one of them (<c>POST /api/v1/admin/desktops/{id}/restore</c>).
/// </summary>
internal static class DesktopSnapshotEndpoints
{
    public static RouteGroupBuilder MapDesktopSnapshotEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/desktops/{id:guid}/snapshots", ListAsync)
            .WithTags("Desktops")
            .Produces<List<DesktopSnapshotResponse>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        admin.MapPost("/desktops/{id:guid}/restore", RestoreAsync)
            .WithTags("Desktops")
            .Produces<DesktopResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return admin;
    }

    private static async Task<IResult> ListAsync(Guid id, DesktopSnapshots snapshots, CancellationToken cancellationToken) =>
        For(await snapshots.ListAsync(new DesktopId(id), cancellationToken));

    /// <summary>The optional <c>?epoch=</c> refuses a restore based on an out-of-date view (<c>StaleEpoch</c>).</summary>
    private static async Task<IResult> RestoreAsync(
        Guid id,
        DesktopRestoreRequest request,
        ClaimsPrincipal user,
        DesktopSnapshots snapshots,
        CancellationToken cancellationToken,
        long? epoch = null)
    {
        if (request.Snapshot is not { } snapshot || snapshot == Guid.Empty)
        {
            return MissingSnapshot();
        }

        return For(await snapshots.RestoreAsync(Actor.UserId(user), new DesktopId(id), new LayerId(snapshot), AdminDesktopEndpoints.ToEpoch(epoch), cancellationToken));
    }

    /// <summary>The answer to a restore body that names no snapshot.</summary>
    public static IResult MissingSnapshot() =>
        ApiProblems.Validation(nameof(DesktopRestoreRequest.Snapshot), "must name a snapshot (a layer id from the desktop's snapshot list).");

    /// <summary>The answer for a snapshot list: the snapshots, or the problem.</summary>
    public static IResult For(DesktopSnapshotListing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        return listing.Outcome == HostCallOutcome.Done
            ? TypedResults.Ok(listing.Snapshots!.Select(DesktopSnapshotResponse.From).ToList())
            : Problem(listing.Outcome, listing.Detail!);
    }

    /// <summary>The answer for a restore: the desktop, a 409 the state machine gave, or the host problem.</summary>
    public static IResult For(DesktopRestore restore)
    {
        ArgumentNullException.ThrowIfNull(restore);
        return restore.Outcome == HostCallOutcome.Done ? ApiProblems.For(restore.Action!) : Problem(restore.Outcome, restore.Detail!);
    }

    private static IResult Problem(HostCallOutcome outcome, string detail) => outcome switch
    {
        HostCallOutcome.NotFound => ApiProblems.NotFound(detail),
        HostCallOutcome.HostUnavailable => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Host unavailable", detail: detail),
        _ => throw new InvalidOperationException($"Not a failure: {outcome}."),
    };
}
