using System.Security.Claims;
using Broker.Core;
using Broker.Core.Audit;
using Broker.Core.Entitlements;
using Broker.Core.Images;
using Broker.Core.Pools;
using Broker.Persistence.Identity;
using Broker.Server.Desktops;
using Broker.Server.Pools;
using Microsoft.AspNetCore.Identity;

namespace Broker.Server.Api.Pools;

/// <summary>Admin: create, edit and read pools; entitle users and groups.</summary>
internal static class PoolEndpoints
{
    private const int MaxPrincipalIdLength = 450;

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

    private static async Task<IResult> CreateAsync(
        PoolRequest request,
        ClaimsPrincipal user,
        IPoolStore store,
        IImageStore images,
        PoolProvisioner provisioner,
        IAuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (draft, errors) = await DraftAsync(request, images, cancellationToken);
        var validated = Pool.Create(PoolId.New(), draft);
        if (!validated.IsValid || errors.Count > 0)
        {
            return ApiProblems.Validation([.. errors, .. validated.Errors.Where(error => !errors.Any(mine => mine.Field == error.Field))]);
        }

        var saved = await store.AddAsync(validated.Value!, cancellationToken);
        if (saved.Outcome != WriteOutcome.Saved)
        {
            return ApiProblems.Conflict("Duplicate", $"A pool named '{validated.Value!.Name}' exists.");
        }

        var pool = validated.Value! with { Version = saved.Version };
        var actor = Actor.UserId(user);
        await audit.AppendAsync(new AuditEvent(Guid.NewGuid(), time.GetUtcNow(), actor, "pool.created", $"pool:{pool.Id}", true, pool.Name), cancellationToken);
        var unplaced = await provisioner.ProvisionAsync(pool, actor, cancellationToken);
        return TypedResults.Created($"/api/v1/admin/pools/{pool.Id}", PoolResponse.From(pool, unplaced));
    }

    private static async Task<IResult> EditAsync(
        Guid id,
        PoolRequest request,
        ClaimsPrincipal user,
        IPoolStore store,
        IImageStore images,
        PoolProvisioner provisioner,
        IAuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var existing = await store.FindAsync(new PoolId(id), cancellationToken);
        if (existing is null)
        {
            return ApiProblems.NotFound($"There is no pool {id}.");
        }

        var (draft, errors) = await DraftAsync(request, images, cancellationToken);
        var validated = existing.Edit(draft);
        if (!validated.IsValid || errors.Count > 0)
        {
            return ApiProblems.Validation([.. errors, .. validated.Errors.Where(error => !errors.Any(mine => mine.Field == error.Field))]);
        }

        var edited = validated.Value! with { Version = request.Version ?? existing.Version };
        var saved = await store.UpdateAsync(edited, cancellationToken);
        if (saved.Outcome != WriteOutcome.Saved)
        {
            return ApiProblems.Conflict("ConcurrentUpdate", "The pool was changed by someone else. Reload it and try again.");
        }

        var pool = edited with { Version = saved.Version };
        var actor = Actor.UserId(user);
        await audit.AppendAsync(new AuditEvent(Guid.NewGuid(), time.GetUtcNow(), actor, "pool.edited", $"pool:{pool.Id}", true, pool.Name), cancellationToken);
        var unplaced = await provisioner.ProvisionAsync(pool, actor, cancellationToken);
        return TypedResults.Ok(PoolResponse.From(pool, unplaced));
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

    private static async Task<IResult> EntitleAsync(
        Guid id,
        EntitlementBody request,
        ClaimsPrincipal user,
        IEntitlementStore store,
        UserManager<BrokerUser> users,
        IAuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        if (request.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors.Add(new ValidationError(nameof(EntitlementBody.Kind), $"must be one of {string.Join(", ", Enum.GetNames<PrincipalKind>())}."));
        }

        if (string.IsNullOrWhiteSpace(request.Id) || request.Id.Length > MaxPrincipalIdLength || request.Id.Any(char.IsControl))
        {
            errors.Add(new ValidationError(nameof(EntitlementBody.Id), $"is required, at most {MaxPrincipalIdLength} characters without control characters."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var principalId = request.Id!.Trim();
        if (request.Kind == PrincipalKind.User)
        {
            var found = await users.FindByNameAsync(principalId) ?? await users.FindByIdAsync(principalId);
            if (found is null)
            {
                return ApiProblems.Validation(nameof(EntitlementBody.Id), "names no user.");
            }

            principalId = found.Id;
        }

        var entitlement = new Entitlement(new PoolId(id), new Principal(request.Kind!.Value, principalId));
        var saved = await store.AddAsync(entitlement, cancellationToken);
        switch (saved.Outcome)
        {
            case WriteOutcome.NotFound:
                return ApiProblems.NotFound($"There is no pool {id}.");
            case WriteOutcome.Conflict:
                return ApiProblems.Conflict("Duplicate", "That entitlement exists.");
            default:
                await audit.AppendAsync(
                    new AuditEvent(Guid.NewGuid(), time.GetUtcNow(), Actor.UserId(user), "entitlement.added", $"pool:{id}", true, $"{entitlement.Principal.Kind}:{principalId}"),
                    cancellationToken);
                var body = new EntitlementBody(entitlement.Principal.Kind, principalId);
                return TypedResults.Created($"/api/v1/admin/pools/{id}/entitlements/{body.Kind}/{Uri.EscapeDataString(principalId)}", body);
        }
    }

    private static async Task<IResult> RemoveEntitlementAsync(
        Guid id,
        PrincipalKind kind,
        string principal,
        ClaimsPrincipal user,
        IEntitlementStore store,
        IAuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var removed = await store.RemoveAsync(new Entitlement(new PoolId(id), new Principal(kind, principal)), cancellationToken);
        if (removed.Outcome != WriteOutcome.Saved)
        {
            return ApiProblems.NotFound("There is no such entitlement.");
        }

        await audit.AppendAsync(
            new AuditEvent(Guid.NewGuid(), time.GetUtcNow(), Actor.UserId(user), "entitlement.removed", $"pool:{id}", true, $"{kind}:{principal}"),
            cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The request as a draft, plus what Core cannot see: required fields left out and an image that does not exist.</summary>
    private static async Task<(PoolDraft Draft, List<ValidationError> Errors)> DraftAsync(PoolRequest request, IImageStore images, CancellationToken cancellationToken)
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
        else if (await images.FindAsync(new ImageId(request.ImageId.Value), cancellationToken) is null)
        {
            errors.Add(new ValidationError(nameof(Pool.Image), $"names no image ({request.ImageId})."));
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
