using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Sqlite;

/// <summary>The SQLite flavour of <see cref="BrokerDbContext"/>; owns the migrations in <c>Sqlite/Migrations</c>.</summary>
internal sealed class SqliteBrokerDbContext : BrokerDbContext
{
    public SqliteBrokerDbContext(DbContextOptions<SqliteBrokerDbContext> options)
        : base(options)
    {
    }
}
