using System.Runtime.Versioning;
using Broker.Persistence;
using Broker.Persistence.Identity;
using Broker.Testing.Databases;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests;

public sealed class FirstAdministratorTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    [UnsupportedOSPlatform("windows")]
    public async Task FirstStart_OnAnEmptyDatabase_CreatesOneAdministratorWithAPrivateCredentialsFile(DatabaseProvider provider)
    {
        using var site = await BrokerSite.CreateAsync(provider, cluster, TestContext.Current.CancellationToken);

        // The sites log errors only; the password is printed as a warning.
        await using (var factory = new BrokerAppFactory(site, new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Warning" }))
        {
            (await AdministratorsAsync(factory)).ShouldBe(["admin"]);
        }

        File.GetUnixFileMode(site.CredentialsFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var password = site.AdminPassword();
        password.Length.ShouldBeGreaterThanOrEqualTo(16);
        site.LogText().ShouldContain(password);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SecondStart_WithAnAdministrator_CreatesNoOtherAndKeepsThePassword(DatabaseProvider provider)
    {
        using var site = await BrokerSite.CreateAsync(provider, cluster, TestContext.Current.CancellationToken);
        await using (var first = new BrokerAppFactory(site))
        {
            _ = first.Services;
        }

        var password = site.AdminPassword();

        await using var second = new BrokerAppFactory(site);
        (await AdministratorsAsync(second)).ShouldBe(["admin"]);
        site.AdminPassword().ShouldBe(password);
        using var scope = second.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<BrokerUser>>();
        (await users.CheckPasswordAsync((await users.FindByNameAsync("admin"))!, password)).ShouldBeTrue();
    }

    private static async Task<string[]> AdministratorsAsync(BrokerAppFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<BrokerUser>>();
        return [.. (await users.GetUsersInRoleAsync(BrokerRoles.Admin)).Select(user => user.UserName!)];
    }
}
