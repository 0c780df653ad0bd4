using Broker.Server.Api.Images;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Broker.Server.Api;

/// <summary>
/// Caps request bodies under <c>/api</c>: a declared length over the limit is refused with 413
/// before anything reads it; for bodies without a declared length the server's own limit is
/// lowered to the same value (Kestrel then stops reading at the limit).
/// </summary>
internal sealed class ApiBodyLimitMiddleware(RequestDelegate next, IOptions<ApiOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // Image uploads stream to disk under their own limit (ImageEndpoints).
        if (!ApiExtensions.IsApi(context.Request.Path) || ImageEndpoints.IsUpload(context.Request))
        {
            await next(context);
            return;
        }

        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request body too large",
                    Detail = $"Request bodies under /api may be at most {limit} bytes.",
                },
            });
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        await next(context);
    }
}
