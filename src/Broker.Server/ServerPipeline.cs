using Broker.Hosting;
using Broker.Server.Api;
using Broker.Server.Security;

namespace Broker.Server;

/// <summary>The middleware order of broker-server, in one place because the order is the contract.</summary>
internal static class ServerPipeline
{
    /// <summary>
    /// Errors become ProblemDetails (and empty error responses under <c>/api</c> get one too);
    /// security headers go on every response, including errors and static files; the login rate
    /// limit runs before authentication so a flood never reaches the password hasher.
    /// </summary>
    public static WebApplication UseBrokerPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseWhen(context => ApiExtensions.IsApi(context.Request.Path), api => api.UseStatusCodePages());
        app.UseBrokerRequestLogging();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }
}
