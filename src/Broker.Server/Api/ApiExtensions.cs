namespace Broker.Server.Api;

/// <summary>The REST area under <c>/api</c>: errors are ProblemDetails (RFC 9457), unknown routes included.</summary>
internal static class ApiExtensions
{
    public static IHostApplicationBuilder AddBrokerApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static IEndpointRouteBuilder MapBrokerApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapVersionEndpoints();

        // Anonymous on purpose: an unknown route is 404 for everyone; the routes that exist decide their own access.
        endpoints.MapFallback("/api/{**path}", (HttpContext context) => TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Not Found",
                detail: $"There is no API at {context.Request.Path}."))
            .AllowAnonymous();
        return endpoints;
    }
}
