using Broker.Persistence.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Broker.Persistence.Sqlite;

/// <summary>Lets <c>dotnet ef</c> build the SQLite model without starting the server. Never used at run time.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteBrokerDbContext>
{
    public SqliteBrokerDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteBrokerDbContext>();
        DatabaseConfiguration.ConfigureSqlite(builder, new DatabaseOptions { DataDirectory = Path.GetTempPath(), SqliteFileName = "broker-design.db" });
        builder.UseApplicationServiceProvider(IdentitySchema.DesignTimeServices());
        return new SqliteBrokerDbContext(builder.Options);
    }
}
