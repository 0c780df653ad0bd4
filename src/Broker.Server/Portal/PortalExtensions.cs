using Broker.Persistence.Identity;
using Broker.Server.Administration;

namespace Broker.Server.Portal;

/// <summary>
/// The web portal: server-rendered Razor Pages under <c>Portal/</c>, no client-side build. Pages
/// under <c>/Admin</c> need the Admin role (others get 403); every change goes through the same
/// application services as the REST API.
/// </summary>
internal static class PortalExtensions
{
    public static IHostApplicationBuilder AddBrokerPortal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(pages =>
        {
            pages.RootDirectory = "/Portal";
            pages.Conventions.AuthorizeFolder("/Admin", PortalPolicies.Admin);
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PortalPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(BrokerRoles.Admin));
        builder.Services.AddBrokerApplicationServices();
        return builder;
    }

    public static IEndpointRouteBuilder MapBrokerPortal(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorPages();
        return endpoints;
    }
}
