using System.Text.Json.Serialization;
using Broker.Persistence.Identity;
using Broker.Server.Administration;
using Broker.Server.Api.Agents;
using Broker.Server.Api.Audit;
using Broker.Server.Api.Desktops;
using Broker.Server.Api.Hosts;
using Broker.Server.Api.Images;
using Broker.Server.Api.Me;
using Broker.Server.Api.Pools;
using Broker.Server.Api.Tokens;
using Broker.Server.Api.Users;

namespace Broker.Server.Api;

/// <summary>
/// The REST area under <c>/api</c>: admin endpoints under <c>/api/v1/admin</c> (Admin role), the
/// signed-in user's under <c>/api/v1/me</c>; errors are ProblemDetails (RFC 9457), unknown routes
/// included; request bodies are capped (<see cref="ApiOptions"/>); the OpenAPI document is at
/// <c>/openapi/v1.json</c>.
/// </summary>
internal static class ApiExtensions
{
    public const string ApiPrefix = "/api";

    /// <summary>True for requests to the REST API, which answer with ProblemDetails rather than pages or redirects.</summary>
    public static bool IsApi(PathString path) => path.StartsWithSegments(ApiPrefix, StringComparison.OrdinalIgnoreCase);

    public static IHostApplicationBuilder AddBrokerApi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddTransient<IStartupFilter, ApiBodyLimitStartupFilter>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(BrokerRoles.Admin).AddRequirements(new Security.TokenScopeRequirement(Admin: true)));
        services.AddOpenApi("v1");
        services.AddBrokerApplicationServices();
        return builder;
    }

    public static IEndpointRouteBuilder MapBrokerApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapVersionEndpoints();
        endpoints.MapOpenApi().AllowAnonymous();

        var admin = endpoints.MapGroup("/api/v1/admin").RequireAuthorization(ApiPolicies.Admin);
        admin.MapImageEndpoints();
        admin.MapPoolEndpoints();
        admin.MapHostEndpoints();
        admin.MapAgentEndpoints();
        admin.MapAdminDesktopEndpoints();
        admin.MapDesktopConsoleEndpoints();
        admin.MapUserEndpoints();
        admin.MapAuditEndpoints();

        var me = endpoints.MapGroup("/api/v1/me").RequireAuthorization();
        me.MapMyEndpoints();
        me.MapMyDesktopPowerEndpoints();
        me.MapMySnapshotEndpoints();
        me.MapAccessTokenEndpoints();

        // Anonymous on purpose: an unknown route is 404 for everyone; the routes that exist decide their own access.
        endpoints.MapFallback("/api/{**path}", (HttpContext context) => TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Not Found",
                detail: $"There is no API at {context.Request.Path}."))
            .AllowAnonymous();
        return endpoints;
    }
}
