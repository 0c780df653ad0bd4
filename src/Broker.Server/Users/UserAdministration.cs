using Broker.Core;
using Broker.Core.Audit;
using Broker.Persistence;
using Broker.Persistence.Identity;
using Broker.Server.Administration;
using Microsoft.AspNetCore.Identity;

namespace Broker.Server.Users;

/// <summary>
/// What admins do to accounts: create a user with one role, and change a user's role. Each change
/// and its audit entry commit in one transaction; an admin cannot take the Admin role from themselves.
/// </summary>
internal sealed class UserAdministration(BrokerDbContext database, UserManager<BrokerUser> users, IAuditLog audit, TimeProvider time)
{
    /// <summary>Creates <paramref name="userName"/> with <paramref name="password"/> in <paramref name="role"/>; Identity's password rules apply.</summary>
    public async Task<ChangeResult<BrokerUser>> CreateAsync(string? userName, string? password, string? role, string actor, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(userName))
        {
            errors.Add(new ValidationError("UserName", "is required."));
        }

        if (string.IsNullOrEmpty(password))
        {
            errors.Add(new ValidationError("Password", "is required."));
        }

        if (role is null || !BrokerRoles.All.Contains(role))
        {
            errors.Add(new ValidationError("Role", $"must be one of {string.Join(", ", BrokerRoles.All)}."));
        }

        if (errors.Count > 0)
        {
            return ChangeResult<BrokerUser>.Invalid(errors);
        }

        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var user = new BrokerUser { UserName = userName!.Trim() };
        var created = await users.CreateAsync(user, password!);
        if (!created.Succeeded)
        {
            return created.Errors.Any(error => error.Code == nameof(IdentityErrorDescriber.DuplicateUserName))
                ? ChangeResult<BrokerUser>.Duplicate($"A user named '{user.UserName}' exists.")
                : ChangeResult<BrokerUser>.Invalid([.. created.Errors.Select(error => new ValidationError(FieldOf(error), error.Description))]);
        }

        var added = await users.AddToRoleAsync(user, role!);
        if (!added.Succeeded)
        {
            throw new InvalidOperationException($"Adding a new user to role {role} failed: {added}.");
        }

        await audit.RecordAsync(time, actor, "user.created", $"user:{user.Id}", $"{user.UserName} as {role}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ChangeResult<BrokerUser>.Done(user);
    }

    /// <summary>Makes <paramref name="role"/> the only broker role of user <paramref name="userId"/>.</summary>
    public async Task<ChangeResult<BrokerUser>> SetRoleAsync(string userId, string? role, string actor, CancellationToken cancellationToken)
    {
        if (role is null || !BrokerRoles.All.Contains(role))
        {
            return ChangeResult<BrokerUser>.Invalid([new ValidationError("Role", $"must be one of {string.Join(", ", BrokerRoles.All)}.")]);
        }

        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return ChangeResult<BrokerUser>.NotFound("There is no such user.");
        }

        if (user.Id == actor && role != BrokerRoles.Admin)
        {
            return ChangeResult<BrokerUser>.Invalid([new ValidationError("Role", "cannot be taken from yourself: another admin must do that.")]);
        }

        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var current = await users.GetRolesAsync(user);
        var removed = await users.RemoveFromRolesAsync(user, current.Where(name => name != role));
        var added = current.Contains(role) ? IdentityResult.Success : await users.AddToRoleAsync(user, role);
        if (!removed.Succeeded || !added.Succeeded)
        {
            return ChangeResult<BrokerUser>.ConcurrentUpdate($"The roles of '{user.UserName}' were changed by someone else. Reload and try again.");
        }

        await audit.RecordAsync(time, actor, "user.role-set", $"user:{user.Id}", $"{user.UserName} as {role}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ChangeResult<BrokerUser>.Done(user);
    }

    private static string FieldOf(IdentityError error) =>
        error.Code.StartsWith("Password", StringComparison.Ordinal) ? "Password" : "UserName";
}
