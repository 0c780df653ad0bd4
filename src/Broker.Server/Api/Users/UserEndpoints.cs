using System.Security.Claims;
using Broker.Persistence.Identity;
using Broker.Server.Desktops;
using Broker.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Broker.Server.Api.Users;

/// <summary>Admin: list accounts and create one (through <see cref="UserAdministration"/>, as the portal's Users page does); groups are <see cref="GroupEndpoints"/>.</summary>
internal static class UserEndpoints
{
    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder admin)
    {
        var users = admin.MapGroup("/users").WithTags("Users");
        users.MapGet("/", ListAsync).Produces<IReadOnlyList<UserResponse>>();
        users.MapPost("/", CreateAsync)
            .Produces<UserResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapGroupEndpoints();
        return admin;
    }

    private static async Task<IResult> ListAsync(UserManager<BrokerUser> users, GroupMembership groups, CancellationToken cancellationToken)
    {
        var list = new List<UserResponse>();
        foreach (var user in await users.Users.OrderBy(user => user.UserName).ToListAsync(cancellationToken))
        {
            list.Add(new UserResponse(
                user.Id,
                user.UserName ?? string.Empty,
                [.. (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal)],
                await groups.GroupsOfAsync(user.Id, cancellationToken)));
        }

        return TypedResults.Ok(list);
    }

    private static async Task<IResult> CreateAsync(UserRequest request, ClaimsPrincipal principal, UserAdministration administration, CancellationToken cancellationToken)
    {
        var created = await administration.CreateAsync(request.UserName, request.Password, request.Role, Actor.UserId(principal), cancellationToken);

        // A created account holds exactly the one role it was created with.
        return ApiProblems.For(created, user => TypedResults.Created($"/api/v1/admin/users/{user.Id}", new UserResponse(user.Id, user.UserName!, [request.Role!], [])));
    }
}
