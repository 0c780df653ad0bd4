using System.Text;
using Broker.Hosting;
using Broker.Persistence.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Broker.Server.Identity;

/// <summary>
/// On start: makes sure the roles exist and, when no administrator exists yet, creates one with a
/// random password that is logged once and written to <see cref="CredentialsFileName"/> in the data
/// directory, readable by the broker's user only. Runs after the database migration.
/// </summary>
internal sealed partial class FirstAdministratorService(
    IServiceProvider services,
    IOptions<BrokerOptions> brokerOptions,
    ILogger<FirstAdministratorService> logger) : IHostedService
{
    public const string UserName = "admin";

    public const string CredentialsFileName = "admin-credentials.txt";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scope = services.CreateAsyncScope();
        await using (scope)
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var role in BrokerRoles.All)
            {
                if (!await roles.RoleExistsAsync(role))
                {
                    // A concurrent broker instance may win the insert; the role exists either way.
                    await roles.CreateAsync(new IdentityRole(role));
                }
            }

            var users = scope.ServiceProvider.GetRequiredService<UserManager<BrokerUser>>();
            if ((await users.GetUsersInRoleAsync(BrokerRoles.Admin)).Count > 0)
            {
                return;
            }

            var password = AdminPassword.Generate();
            var admin = new BrokerUser { UserName = UserName };
            var created = await users.CreateAsync(admin, password);
            if (!created.Succeeded)
            {
                if (created.Errors.Any(error => error.Code == nameof(IdentityErrorDescriber.DuplicateUserName)))
                {
                    LogAdministratorAccountExists(logger, UserName);
                    return;
                }

                throw new InvalidOperationException($"Could not create the first administrator: {string.Join("; ", created.Errors.Select(error => error.Description))}");
            }

            var added = await users.AddToRoleAsync(admin, BrokerRoles.Admin);
            if (!added.Succeeded)
            {
                throw new InvalidOperationException($"Could not make {UserName} an administrator: {string.Join("; ", added.Errors.Select(error => error.Description))}");
            }

            var file = Path.Combine(brokerOptions.Value.FullDataDirectory, CredentialsFileName);
            await WritePrivateFileAsync(file, $"user: {UserName}\npassword: {password}\n", cancellationToken);
            LogAdministratorCreated(logger, UserName, password, file);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Writes <paramref name="contents"/> to a new file with mode 0600, replacing an older one, and flushes it to disk.</summary>
    private static async Task WritePrivateFileAsync(string path, string contents, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(path, options);
        await using (stream)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(contents), cancellationToken);
            stream.Flush(flushToDisk: true);
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning,
        Message = "Created the first administrator {UserName} with password {Password}; it is also in {CredentialsFile}. Change it after logging in.")]
    private static partial void LogAdministratorCreated(ILogger logger, string userName, string password, string credentialsFile);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "No administrator exists but the user {UserName} does; not creating another. Give a user the Admin role to manage the broker.")]
    private static partial void LogAdministratorAccountExists(ILogger logger, string userName);
}
