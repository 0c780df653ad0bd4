using System.Security.Claims;
using Broker.Core.Audit;
using Broker.Core.Entitlements;
using Broker.Persistence;
using Broker.Persistence.Identity;
using Broker.Server.Administration;
using Broker.Server.Desktops;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Broker.Server.Users;

/// <summary>
/// Group membership, which group entitlements of pools name. A membership is an Identity user claim
/// of type <see cref="Actor.GroupClaimType"/> whose value is the group name, so it needs no table of
/// its own; a group exists while it has a member. Each change and its audit entry commit in one
/// transaction. Signed-in users see a change on their next request (<see cref="Security.GroupClaimsTransformation"/>).
/// </summary>
internal sealed class GroupMembership(BrokerDbContext database, UserManager<BrokerUser> users, IAuditLog audit, TimeProvider time)
{
    /// <summary>Name of the group field in validation errors.</summary>
    public const string GroupField = "Group";

    /// <summary>The groups <paramref name="userId"/> belongs to, by name.</summary>
    public async Task<IReadOnlyList<string>> GroupsOfAsync(string userId, CancellationToken cancellationToken) =>
        await MembershipClaims().Where(claim => claim.UserId == userId)
            .Select(claim => claim.ClaimValue!).OrderBy(name => name)
            .ToListAsync(cancellationToken);

    /// <summary>One page of groups by name, each with its members by user name; the total counts every group.</summary>
    public async Task<GroupPage> ListAsync(int skip, int take, CancellationToken cancellationToken)
    {
        var names = MembershipClaims().Select(claim => claim.ClaimValue!).Distinct();
        var total = await names.CountAsync(cancellationToken);
        var page = await names.OrderBy(name => name).Skip(skip).Take(take).ToListAsync(cancellationToken);
        var members = await MembershipClaims().Where(claim => page.Contains(claim.ClaimValue!))
            .Join(database.Users, claim => claim.UserId, user => user.Id, (claim, user) => new { Group = claim.ClaimValue!, user.Id, user.UserName })
            .ToListAsync(cancellationToken);
        var groups = page.ConvertAll(name => new Group(
            name,
            [.. members.Where(member => member.Group == name)
                .Select(member => new GroupMember(member.Id, member.UserName ?? member.Id))
                .OrderBy(member => member.UserName, StringComparer.Ordinal)]));
        return new GroupPage(groups, total);
    }

    /// <summary>Puts user <paramref name="userId"/> in <paramref name="group"/>; a member already is one, and nothing is written then.</summary>
    public Task<ChangeResult<GroupChange>> AddAsync(string userId, string? group, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(userId, group, actor, add: true, cancellationToken);

    /// <summary>Takes user <paramref name="userId"/> out of <paramref name="group"/>; not found when they are no member.</summary>
    public Task<ChangeResult<GroupChange>> RemoveAsync(string userId, string? group, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(userId, group, actor, add: false, cancellationToken);

    private async Task<ChangeResult<GroupChange>> ChangeAsync(string userId, string? group, string actor, bool add, CancellationToken cancellationToken)
    {
        var errors = GroupId.CheckName(GroupField, group);
        if (errors.Count > 0)
        {
            return ChangeResult<GroupChange>.Invalid(errors);
        }

        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return ChangeResult<GroupChange>.NotFound("There is no such user.");
        }

        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var isMember = await MembershipClaims().AnyAsync(claim => claim.UserId == user.Id && claim.ClaimValue == group, cancellationToken);
        if (isMember == add)
        {
            return add
                ? ChangeResult<GroupChange>.Done(new GroupChange(user, group!, Changed: false, await GroupsOfAsync(user.Id, cancellationToken)))
                : ChangeResult<GroupChange>.NotFound($"'{user.UserName}' is no member of group '{group}'.");
        }

        var claim = new Claim(Actor.GroupClaimType, group!);
        var saved = add ? await users.AddClaimAsync(user, claim) : await users.RemoveClaimAsync(user, claim);
        if (!saved.Succeeded)
        {
            return ChangeResult<GroupChange>.ConcurrentUpdate($"'{user.UserName}' was changed by someone else. Reload and try again.");
        }

        var action = add ? "user.group-added" : "user.group-removed";
        await audit.RecordAsync(time, actor, action, $"user:{user.Id}", $"{user.UserName} {(add ? "to" : "from")} group {group}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ChangeResult<GroupChange>.Done(new GroupChange(user, group!, Changed: true, await GroupsOfAsync(user.Id, cancellationToken)));
    }

    private IQueryable<IdentityUserClaim<string>> MembershipClaims() =>
        database.UserClaims.AsNoTracking().Where(claim => claim.ClaimType == Actor.GroupClaimType);
}
