namespace Broker.Server.Portal;

/// <summary>The web portal: server-rendered Razor Pages under <c>Portal/</c>, no client-side build.</summary>
internal static class PortalExtensions
{
    public static IHostApplicationBuilder AddBrokerPortal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(pages => pages.RootDirectory = "/Portal");
        return builder;
    }

    public static IEndpointRouteBuilder MapBrokerPortal(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorPages();
        return endpoints;
    }
}
