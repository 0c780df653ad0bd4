using Broker.Core.Hosts;

namespace Broker.Server.Api.Hosts;

/// <summary>Admin: read hosts (enrollment comes with the agent protocol).</summary>
internal static class HostEndpoints
{
    public static RouteGroupBuilder MapHostEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGroup("/hosts").WithTags("Hosts")
            .MapGet("/", async (IHostStore store, CancellationToken cancellationToken) =>
                TypedResults.Ok((await store.ListAsync(cancellationToken)).Select(HostResponse.From).ToList()));
        return admin;
    }
}
