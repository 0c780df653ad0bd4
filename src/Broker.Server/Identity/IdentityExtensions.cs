using Broker.Persistence;
using Broker.Persistence.Identity;
using Broker.Server.Api;
using Broker.Server.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Broker.Server.Identity;

/// <summary>The identity area: users and roles in the database, the login cookie, the first administrator.</summary>
internal static class IdentityExtensions
{
    /// <summary>Name of the login cookie.</summary>
    public const string CookieName = "broker.auth";

    public static IHostApplicationBuilder AddBrokerIdentity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddIdentity<BrokerUser, IdentityRole>(options =>
            {
                options.Password.RequiredLength = 12;
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = false;
                IdentitySchema.Configure(options.Stores);
            })
            .AddEntityFrameworkStores<BrokerDbContext>()
            .AddDefaultTokenProviders();

        services.AddOptions<IdentityOptions>().Configure<IOptions<LoginOptions>>((identity, login) =>
        {
            identity.Lockout.MaxFailedAccessAttempts = login.Value.MaxFailedAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = login.Value.LockoutDuration;
        });

        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = SecurityExtensions.LoginPath;
            cookie.LogoutPath = "/Account/Logout";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
            cookie.Events = new CookieAuthenticationEvents
            {
                // The API answers with status codes (and ProblemDetails), never with a redirect to a form.
                OnRedirectToLogin = context => RespondOrRedirect(context, StatusCodes.Status401Unauthorized),
                OnRedirectToAccessDenied = context => RespondOrRedirect(context, StatusCodes.Status403Forbidden),
            };
        });

        services.AddHostedService<FirstAdministratorService>();
        return builder;
    }

    private static Task RespondOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        if (ApiExtensions.IsApi(context.Request.Path))
        {
            context.Response.StatusCode = apiStatus;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }
}
