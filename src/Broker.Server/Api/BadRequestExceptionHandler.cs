using Microsoft.AspNetCore.Diagnostics;

namespace Broker.Server.Api;

/// <summary>
/// Turns a request the framework could not bind (malformed JSON, a value of the wrong type, an
/// unparsable route or query value) into a ProblemDetails with the exception's own status code
/// (400, or 413 when the server's body limit stopped the read) instead of a 500. Minimal APIs throw
/// these in every environment (see <see cref="ApiExtensions"/>), so development and production answer alike.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "The request could not be read.",
                Detail = bad.InnerException is System.Text.Json.JsonException json && json.Path is { } path
                    ? $"{bad.Message} The value at {path} is not valid."
                    : bad.Message,
            },
        });
    }
}
