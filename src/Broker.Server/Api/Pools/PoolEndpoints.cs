using System.Security.Claims;
using Broker.Core;
using Broker.Core.Entitlements;
using Broker.Core.Images;
using Broker.Core.Pools;
using Broker.Server.Desktops;
using Broker.Server.Pools;

namespace Broker.Server.Api.Pools;

/// <summary>Admin: create, edit and read pools; entitle users and groups.</summary>
internal static class PoolEndpoints
{
    public static RouteGroupBuilder MapPoolEndpoints(this RouteGroupBuilder admin)
    {
        var pools = admin.MapGroup("/pools").WithTags("Pools");
        pools.MapGet("/", ListAsync).Produces<IReadOnlyList<PoolResponse>>();
        pools.MapGet("/{id:guid}", GetAsync).Produces<PoolResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        pools.MapPost("/", CreateAsync)
            .Produces<PoolResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        pools.MapPut("/{id:guid}", EditAsync)
            .Produces<PoolResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        pools.MapGet("/{id:guid}/entitlements", ListEntitlementsAsync).Produces<IReadOnlyList<EntitlementBody>>().ProducesProblem(StatusCodes.Status404NotFound);
        pools.MapPost("/{id:guid}/entitlements", EntitleAsync)
            .Produces<EntitlementBody>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        pools.MapDelete("/{id:guid}/entitlements/{kind}/{principal}", RemoveEntitlementAsync)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    private static async Task<IResult> ListAsync(IPoolStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListAsync(cancellationToken)).Select(pool => PoolResponse.From(pool)).ToList());

    private static async Task<IResult> GetAsync(Guid id, IPoolStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(new PoolId(id), cancellationToken) is { } pool
            ? TypedResults.Ok(PoolResponse.From(pool))
            : ApiProblems.NotFound($"There is no pool {id}.");

    private static async Task<IResult> CreateAsync(PoolRequest request, ClaimsPrincipal user, PoolAdministration administration, CancellationToken cancellationToken)
    {
        var (draft, errors) = Draft(request);
        var created = await administration.CreateAsync(draft, errors, Actor.UserId(user), cancellationToken);
        return ApiProblems.For(created, saved => TypedResults.Created($"/api/v1/admin/pools/{saved.Pool.Id}", PoolResponse.From(saved.Pool, saved.Unplaced)));
    }

    private static async Task<IResult> EditAsync(Guid id, PoolRequest request, ClaimsPrincipal user, PoolAdministration administration, CancellationToken cancellationToken)
    {
        var (draft, errors) = Draft(request);
        var edited = await administration.EditAsync(new PoolId(id), draft, request.Version, errors, Actor.UserId(user), cancellationToken);
        return ApiProblems.For(edited, saved => TypedResults.Ok(PoolResponse.From(saved.Pool, saved.Unplaced)));
    }

    private static async Task<IResult> ListEntitlementsAsync(Guid id, IPoolStore pools, IEntitlementStore store, CancellationToken cancellationToken)
    {
        if (await pools.FindAsync(new PoolId(id), cancellationToken) is null)
        {
            return ApiProblems.NotFound($"There is no pool {id}.");
        }

        var entitlements = await store.ListForPoolAsync(new PoolId(id), cancellationToken);
        return TypedResults.Ok(entitlements.Select(entitlement => new EntitlementBody(entitlement.Principal.Kind, entitlement.Principal.Id)).ToList());
    }

    private static async Task<IResult> EntitleAsync(Guid id, EntitlementBody request, ClaimsPrincipal user, PoolAdministration administration, CancellationToken cancellationToken)
    {
        var added = await administration.EntitleAsync(new PoolId(id), request.Kind, request.Id, Actor.UserId(user), cancellationToken);
        return ApiProblems.For(added, entitlement =>
        {
            var body = new EntitlementBody(entitlement.Principal.Kind, entitlement.Principal.Id);
            return TypedResults.Created($"/api/v1/admin/pools/{id}/entitlements/{body.Kind}/{Uri.EscapeDataString(entitlement.Principal.Id)}", body);
        });
    }

    private static async Task<IResult> RemoveEntitlementAsync(
        Guid id,
        PrincipalKind kind,
        string principal,
        ClaimsPrincipal user,
        PoolAdministration administration,
        CancellationToken cancellationToken)
    {
        var removed = await administration.RemoveEntitlementAsync(new Entitlement(new PoolId(id), new Principal(kind, principal)), Actor.UserId(user), cancellationToken);
        return ApiProblems.For(removed, _ => TypedResults.NoContent());
    }

    /// <summary>The request as a draft, plus the required fields it leaves out (Core cannot tell a missing number from zero).</summary>
    private static (PoolDraft Draft, List<ValidationError> Errors) Draft(PoolRequest request)
    {
        var errors = new List<ValidationError>();
        if (request.Kind is null)
        {
            errors.Add(new ValidationError(nameof(Pool.Kind), "is required."));
        }

        if (request.DesiredSize is null)
        {
            errors.Add(new ValidationError(nameof(Pool.DesiredSize), "is required."));
        }

        if (request.ImageId is null || request.ImageId == Guid.Empty)
        {
            errors.Add(new ValidationError(nameof(Pool.Image), "is required."));
        }

        var draft = new PoolDraft(
            request.Name,
            request.Kind ?? PoolKind.Dedicated,
            new ImageId(request.ImageId ?? Guid.Empty),
            request.DesiredSize ?? 0,
            request.Offline?.ToDomain());
        return (draft, errors);
    }
}
