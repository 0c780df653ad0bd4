using System.Security.Claims;
using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Pools;
using Broker.Persistence.Desktops;
using Broker.Server.Desktops;

namespace Broker.Server.Api.Desktops;

/// <summary>Admin: list, read and revoke any desktop; list and promote its quarantined layers; its snapshots and restore (<see cref="DesktopSnapshotEndpoints"/>).</summary>
internal static class AdminDesktopEndpoints
{
    public static RouteGroupBuilder MapAdminDesktopEndpoints(this RouteGroupBuilder admin)
    {
        var desktops = admin.MapGroup("/desktops").WithTags("Desktops");
        desktops.MapGet("/", ListAsync).Produces<DesktopListResponse>().ProducesValidationProblem();
        desktops.MapGet("/{id:guid}", GetAsync).Produces<DesktopResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        desktops.MapPost("/{id:guid}/revoke", RevokeAsync)
            .Produces<DesktopResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        desktops.MapGet("/{id:guid}/quarantine", ListQuarantineAsync)
            .Produces<List<QuarantinedLayerResponse>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        desktops.MapPost("/{id:guid}/quarantine/{layerId:guid}/promote", PromoteAsync)
            .Produces<QuarantinedLayerResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapDesktopSnapshotEndpoints();
        return admin;
    }

    private static async Task<IResult> ListAsync(
        IDesktopQueries queries,
        CancellationToken cancellationToken,
        Guid? pool = null,
        DesktopState? state = null,
        int skip = 0,
        int take = 100)
    {
        var errors = new List<ValidationError>();
        if (skip < 0)
        {
            errors.Add(new ValidationError(nameof(skip), "must not be negative."));
        }

        if (take is < 1 or > DesktopFilter.MaxTake)
        {
            errors.Add(new ValidationError(nameof(take), $"must be between 1 and {DesktopFilter.MaxTake}."));
        }

        if (state is { } given && !Enum.IsDefined(given))
        {
            errors.Add(new ValidationError(nameof(state), $"must be one of {string.Join(", ", Enum.GetNames<DesktopState>())}."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var page = await queries.ListAsync(
            new DesktopFilter(pool is { } poolId ? new PoolId(poolId) : null, state, Skip: skip, Take: take),
            cancellationToken);
        return TypedResults.Ok(new DesktopListResponse([.. page.Items.Select(DesktopResponse.From)], page.Total, skip, take));
    }

    private static async Task<IResult> GetAsync(Guid id, IDesktopStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(new DesktopId(id), cancellationToken) is { } desktop
            ? TypedResults.Ok(DesktopResponse.From(desktop))
            : ApiProblems.NotFound($"There is no desktop {id}.");

    private static async Task<IResult> RevokeAsync(
        Guid id,
        ClaimsPrincipal user,
        DesktopActions actions,
        CancellationToken cancellationToken,
        long? epoch = null) =>
        ApiProblems.For(await actions.RevokeAsync(Actor.UserId(user), new DesktopId(id), ToEpoch(epoch), cancellationToken));

    private static async Task<IResult> ListQuarantineAsync(Guid id, DesktopQuarantine quarantine, CancellationToken cancellationToken) =>
        await quarantine.ListAsync(new DesktopId(id), cancellationToken) is { } layers
            ? TypedResults.Ok(layers.Select(QuarantinedLayerResponse.From).ToList())
            : ApiProblems.NotFound($"There is no desktop {id}.");

    private static async Task<IResult> PromoteAsync(
        Guid id,
        Guid layerId,
        ClaimsPrincipal user,
        DesktopQuarantine quarantine,
        CancellationToken cancellationToken) =>
        ApiProblems.For(
            await quarantine.PromoteAsync(Actor.UserId(user), new DesktopId(id), new LayerId(layerId), cancellationToken),
            layer => TypedResults.Ok(QuarantinedLayerResponse.From(layer)));

    /// <summary>
    /// The optional <c>?epoch=</c> of a desktop action: the epoch the caller saw, so an action based on
    /// an out-of-date view is refused (<c>StaleEpoch</c>); omitted means the current epoch.
    /// </summary>
    internal static Epoch? ToEpoch(long? epoch) => epoch is { } value ? new Epoch(value) : null;
}
