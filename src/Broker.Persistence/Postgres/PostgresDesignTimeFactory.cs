using Broker.Persistence.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Broker.Persistence.Postgres;

/// <summary>
/// Lets <c>dotnet ef</c> build the PostgreSQL model without starting the server. Adding a migration
/// never connects; the connection string only names a database for commands that do.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresBrokerDbContext>
{
    public PostgresBrokerDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgresBrokerDbContext>();
        DatabaseConfiguration.ConfigurePostgres(builder, new DatabaseOptions
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = "Host=127.0.0.1;Username=postgres;Database=broker_design",
        });
        builder.UseApplicationServiceProvider(IdentitySchema.DesignTimeServices());
        return new PostgresBrokerDbContext(builder.Options);
    }
}
