using System.Threading.RateLimiting;
using Broker.Hosting;
using Broker.Server.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Broker.Server.Security;

/// <summary>
/// The security area: every endpoint needs a logged-in user unless it says otherwise, login posts
/// are rate limited per client address, antiforgery cookies are strict, data-protection keys are
/// kept in the data directory.
/// </summary>
internal static class SecurityExtensions
{
    /// <summary>The login form's address; its POSTs are rate limited.</summary>
    public const string LoginPath = "/Account/Login";

    /// <summary>The default scheme: forwards to the access-token handler or the Identity cookie.</summary>
    public const string CookieOrToken = "CookieOrToken";

    public static IHostApplicationBuilder AddBrokerSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LoginOptions>()
            .BindConfiguration(LoginOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Bearer personal access tokens on the API, the login cookie everywhere else; a token is
        // held to its scopes wherever a policy applies.
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieOrToken;
                options.DefaultAuthenticateScheme = CookieOrToken;
                options.DefaultChallengeScheme = CookieOrToken;
                options.DefaultForbidScheme = CookieOrToken;
            })
            .AddPolicyScheme(CookieOrToken, "Login cookie or access token", scheme => scheme.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, AccessTokenAuthenticationHandler>(AccessTokenAuthenticationHandler.SchemeName, null);
        services.AddScoped<AccessTokens>();
        services.AddScoped<IClaimsTransformation, GroupClaimsTransformation>();
        services.AddSingleton<IAuthorizationHandler, TokenScopeHandler>();
        var signedIn = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new TokenScopeRequirement(Admin: false)).Build();
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(signedIn)
            .SetFallbackPolicy(signedIn);

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LoginOptions>>((limiter, login) =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = LoginLimiter(login.Value);
            limiter.OnRejected = WriteRejectionAsync;
        });

        // Keys that protect cookies and antiforgery tokens live in the data directory, so logins
        // survive a restart. Several instances behind one load balancer must share this directory.
        services.AddDataProtection().SetApplicationName("broker-server");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<BrokerOptions>, ILoggerFactory>((keys, broker, loggers) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(broker.Value.FullDataDirectory, "keys")), loggers));

        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "broker.antiforgery";
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }

    /// <summary>API requests with a personal access token use the token scheme; everything else the login cookie.</summary>
    private static string SelectScheme(HttpContext context) =>
        ApiExtensions.IsApi(context.Request.Path)
            && BearerSecret.FromAuthorizationHeader(context.Request.Headers.Authorization)?.StartsWith(BearerSecret.AccessTokenPrefix, StringComparison.Ordinal) == true
            ? AccessTokenAuthenticationHandler.SchemeName
            : IdentityConstants.ApplicationScheme;

    /// <summary>Counts login form posts per client address in fixed windows; every other request passes.</summary>
    private static PartitionedRateLimiter<HttpContext> LoginLimiter(LoginOptions login) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
            HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(LoginPath, StringComparison.OrdinalIgnoreCase)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = login.RateLimitPermits, Window = login.RateLimitWindow, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter(string.Empty));

    private static async ValueTask WriteRejectionAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many login attempts", Detail = "Wait a moment before trying again." },
        });
    }
}
