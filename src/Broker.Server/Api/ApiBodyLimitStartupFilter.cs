namespace Broker.Server.Api;

/// <summary>Puts <see cref="ApiBodyLimitMiddleware"/> first in the pipeline, so an oversized body is refused before any middleware reads it.</summary>
internal sealed class ApiBodyLimitStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<ApiBodyLimitMiddleware>();
        next(app);
    };
}
