using Broker.Contracts;
using Broker.Hosting;

namespace Broker.Server.Api;

/// <summary><c>GET /api/v1/version</c>: what this broker is and which contract version it speaks.</summary>
internal static class VersionEndpoints
{
    public static IEndpointRouteBuilder MapVersionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/version", () => new VersionResponse(
            "broker-server",
            HostingDefaults.ProductVersion(typeof(VersionEndpoints).Assembly),
            ContractVersion.Capability))
            .AllowAnonymous();
        return endpoints;
    }
}

/// <summary>Body of <c>GET /api/v1/version</c>.</summary>
internal sealed record VersionResponse(string Product, string Version, int CapabilityVersion);
