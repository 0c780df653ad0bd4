using System.Security.Claims;
using Broker.Core.Hosts;
using Broker.Server.Desktops;
using Broker.Server.Hosts;

namespace Broker.Server.Api.Hosts;

/// <summary>Admin: read hosts and drain them (enrollment comes with the agent protocol).</summary>
internal static class HostEndpoints
{
    public static RouteGroupBuilder MapHostEndpoints(this RouteGroupBuilder admin)
    {
        var hosts = admin.MapGroup("/hosts").WithTags("Hosts");
        hosts.MapGet("/", async (IHostStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok((await store.ListAsync(cancellationToken)).Select(HostResponse.From).ToList()));
        hosts.MapPost("/{id:guid}/drain", (Guid id, long? version, ClaimsPrincipal user, IHostStore store, HostAdministration administration, CancellationToken cancellationToken) =>
                SetDrainingAsync(new HostId(id), draining: true, version, user, store, administration, cancellationToken))
            .Produces<HostResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        hosts.MapPost("/{id:guid}/undrain", (Guid id, long? version, ClaimsPrincipal user, IHostStore store, HostAdministration administration, CancellationToken cancellationToken) =>
                SetDrainingAsync(new HostId(id), draining: false, version, user, store, administration, cancellationToken))
            .Produces<HostResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return admin;
    }

    /// <summary>
    /// Drains or undrains host <paramref name="id"/>: as read at <paramref name="version"/> when the
    /// query names one (<c>?version=N</c>; a change in between is a conflict), else as it is now.
    /// </summary>
    private static async Task<IResult> SetDrainingAsync(
        HostId id,
        bool draining,
        long? version,
        ClaimsPrincipal user,
        IHostStore store,
        HostAdministration administration,
        CancellationToken cancellationToken)
    {
        if (version is null)
        {
            if (await store.FindAsync(id, cancellationToken) is not { } current)
            {
                return ApiProblems.NotFound($"There is no host {id}.");
            }

            version = current.Version;
        }

        var changed = await administration.SetDrainingAsync(id, draining, version.Value, Actor.UserId(user), cancellationToken);
        return ApiProblems.For(changed, host => TypedResults.Ok(HostResponse.From(host)));
    }
}
