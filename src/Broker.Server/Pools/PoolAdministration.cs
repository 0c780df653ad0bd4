using Broker.Core;
using Broker.Core.Audit;
using Broker.Core.Entitlements;
using Broker.Core.Images;
using Broker.Core.Pools;
using Broker.Persistence;
using Broker.Persistence.Identity;
using Broker.Server.Administration;
using Microsoft.AspNetCore.Identity;

namespace Broker.Server.Pools;

/// <summary>
/// What admins do to pools, for the REST API and the portal alike: create, edit (resize included)
/// and entitle. Each change is validated completely before anything is written, and the pool, its
/// new desktops and the audit entries commit in one transaction, so a refused or failed change
/// leaves nothing half-saved.
/// </summary>
internal sealed class PoolAdministration(
    BrokerDbContext database,
    IPoolStore pools,
    IImageStore images,
    IEntitlementStore entitlements,
    UserManager<BrokerUser> users,
    PoolProvisioner provisioner,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>Longest accepted principal id of an entitlement.</summary>
    public const int MaxPrincipalIdLength = 450;

    /// <summary>Creates a pool from <paramref name="draft"/> and provisions its desktops; <paramref name="inputErrors"/> are problems the caller found in its own input.</summary>
    public async Task<ChangeResult<SavedPool>> CreateAsync(PoolDraft draft, IReadOnlyCollection<ValidationError> inputErrors, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = await ImageErrorsAsync(draft, inputErrors, cancellationToken);
        var validated = Pool.Create(PoolId.New(), draft);
        if (!validated.IsValid || errors.Count > 0)
        {
            return ChangeResult<SavedPool>.Invalid(ValidationErrors.Merge(errors, validated.Errors));
        }

        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var saved = await pools.AddAsync(validated.Value!, cancellationToken);
        if (saved.Outcome != WriteOutcome.Saved)
        {
            return ChangeResult<SavedPool>.Duplicate($"A pool named '{validated.Value!.Name}' exists.");
        }

        var pool = validated.Value! with { Version = saved.Version };
        await audit.RecordAsync(time, actor, "pool.created", $"pool:{pool.Id}", pool.Name, cancellationToken);
        var unplaced = await provisioner.ProvisionAsync(pool, actor, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ChangeResult<SavedPool>.Done(new SavedPool(pool, unplaced));
    }

    /// <summary>
    /// Edits pool <paramref name="id"/> as read at <paramref name="version"/> (omitted: the stored
    /// version) and provisions desktops it now lacks; someone else's change in between is a conflict.
    /// </summary>
    public async Task<ChangeResult<SavedPool>> EditAsync(
        PoolId id,
        PoolDraft draft,
        long? version,
        IReadOnlyCollection<ValidationError> inputErrors,
        string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var existing = await pools.FindAsync(id, cancellationToken);
        if (existing is null)
        {
            return ChangeResult<SavedPool>.NotFound($"There is no pool {id}.");
        }

        var errors = await ImageErrorsAsync(draft, inputErrors, cancellationToken);
        var validated = existing.Edit(draft);
        if (!validated.IsValid || errors.Count > 0)
        {
            return ChangeResult<SavedPool>.Invalid(ValidationErrors.Merge(errors, validated.Errors));
        }

        var edited = validated.Value! with { Version = version ?? existing.Version };
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var saved = await pools.UpdateAsync(edited, cancellationToken);
        if (saved.Outcome != WriteOutcome.Saved)
        {
            return ChangeResult<SavedPool>.ConcurrentUpdate("The pool was changed by someone else (or its new name is taken). Reload it and try again.");
        }

        var pool = edited with { Version = saved.Version };
        await audit.RecordAsync(time, actor, "pool.edited", $"pool:{pool.Id}", pool.Name, cancellationToken);
        var unplaced = await provisioner.ProvisionAsync(pool, actor, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ChangeResult<SavedPool>.Done(new SavedPool(pool, unplaced));
    }

    /// <summary>Entitles a user (by user name or id; stored by id) or a group (by id) to pool <paramref name="pool"/>.</summary>
    public async Task<ChangeResult<Entitlement>> EntitleAsync(PoolId pool, PrincipalKind? kind, string? principalId, string actor, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        if (kind is not { } givenKind || !Enum.IsDefined(givenKind))
        {
            errors.Add(new ValidationError("Kind", $"must be one of {string.Join(", ", Enum.GetNames<PrincipalKind>())}."));
        }

        if (string.IsNullOrWhiteSpace(principalId) || principalId.Length > MaxPrincipalIdLength || principalId.Any(char.IsControl))
        {
            errors.Add(new ValidationError("Id", $"is required, at most {MaxPrincipalIdLength} characters without control characters."));
        }

        if (errors.Count > 0)
        {
            return ChangeResult<Entitlement>.Invalid(errors);
        }

        var id = principalId!.Trim();
        if (kind == PrincipalKind.User)
        {
            var found = await users.FindByNameAsync(id) ?? await users.FindByIdAsync(id);
            if (found is null)
            {
                return ChangeResult<Entitlement>.Invalid([new ValidationError("Id", "names no user.")]);
            }

            id = found.Id;
        }

        var entitlement = new Entitlement(pool, new Principal(kind!.Value, id));
        var saved = await entitlements.AddAsync(entitlement, cancellationToken);
        switch (saved.Outcome)
        {
            case WriteOutcome.NotFound:
                return ChangeResult<Entitlement>.NotFound($"There is no pool {pool}.");
            case WriteOutcome.Conflict:
                return ChangeResult<Entitlement>.Duplicate("That entitlement exists.");
            default:
                await audit.RecordAsync(time, actor, "entitlement.added", $"pool:{pool}", $"{entitlement.Principal.Kind}:{id}", cancellationToken);
                return ChangeResult<Entitlement>.Done(entitlement);
        }
    }

    /// <summary>Removes an entitlement; not found when it did not exist.</summary>
    public async Task<ChangeResult<Entitlement>> RemoveEntitlementAsync(Entitlement entitlement, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entitlement);
        var removed = await entitlements.RemoveAsync(entitlement, cancellationToken);
        if (removed.Outcome != WriteOutcome.Saved)
        {
            return ChangeResult<Entitlement>.NotFound("There is no such entitlement.");
        }

        await audit.RecordAsync(time, actor, "entitlement.removed", $"pool:{entitlement.Pool}", $"{entitlement.Principal.Kind}:{entitlement.Principal.Id}", cancellationToken);
        return ChangeResult<Entitlement>.Done(entitlement);
    }

    /// <summary><paramref name="inputErrors"/> plus what Core cannot see: an image that does not exist.</summary>
    private async Task<List<ValidationError>> ImageErrorsAsync(PoolDraft draft, IReadOnlyCollection<ValidationError> inputErrors, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>(inputErrors);
        var imageFlagged = errors.Any(error => error.Field == nameof(Pool.Image));
        if (!imageFlagged && draft.Image.Value != Guid.Empty && await images.FindAsync(draft.Image, cancellationToken) is null)
        {
            errors.Add(new ValidationError(nameof(Pool.Image), $"names no image ({draft.Image})."));
        }

        return errors;
    }
}
