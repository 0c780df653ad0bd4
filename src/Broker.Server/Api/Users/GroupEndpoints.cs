using System.Security.Claims;
using Broker.Core;
using Broker.Server.Desktops;
using Broker.Server.Users;

namespace Broker.Server.Api.Users;

/// <summary>
/// Admin: groups and their members (<c>GET /api/v1/admin/groups</c>, paged) and membership of one
/// user (<c>PUT</c>/<c>DELETE /api/v1/admin/users/{id}/groups/{group}</c>), through <see cref="GroupMembership"/>
/// as the portal's Users page does.
/// </summary>
internal static class GroupEndpoints
{
    /// <summary>Groups a request returns when it names no <c>take</c>.</summary>
    public const int DefaultTake = 100;

    /// <summary>The most groups one request returns.</summary>
    public const int MaxTake = 1000;

    public static RouteGroupBuilder MapGroupEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/groups", ListAsync).WithTags("Users").Produces<GroupListResponse>().ProducesValidationProblem();
        var membership = admin.MapGroup("/users/{id}/groups/{group}").WithTags("Users");
        membership.MapPut("/", AddAsync)
            .Produces<UserGroupsResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        membership.MapDelete("/", RemoveAsync)
            .Produces<UserGroupsResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return admin;
    }

    private static async Task<IResult> ListAsync(GroupMembership membership, CancellationToken cancellationToken, int skip = 0, int take = DefaultTake)
    {
        var errors = new List<ValidationError>();
        if (skip < 0)
        {
            errors.Add(new ValidationError(nameof(skip), "must not be negative."));
        }

        if (take is < 1 or > MaxTake)
        {
            errors.Add(new ValidationError(nameof(take), $"must be between 1 and {MaxTake}."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var page = await membership.ListAsync(skip, take, cancellationToken);
        return TypedResults.Ok(new GroupListResponse([.. page.Items.Select(GroupResponse.From)], page.Total, skip, take));
    }

    /// <summary>Idempotent: putting a member in their group again answers 200 and changes nothing.</summary>
    private static async Task<IResult> AddAsync(string id, string group, ClaimsPrincipal principal, GroupMembership membership, CancellationToken cancellationToken) =>
        ApiProblems.For(await membership.AddAsync(id, group, Actor.UserId(principal), cancellationToken), UserGroupsResponse.From);

    private static async Task<IResult> RemoveAsync(string id, string group, ClaimsPrincipal principal, GroupMembership membership, CancellationToken cancellationToken) =>
        ApiProblems.For(await membership.RemoveAsync(id, group, Actor.UserId(principal), cancellationToken), UserGroupsResponse.From);
}
