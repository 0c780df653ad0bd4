using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Postgres;

/// <summary>The PostgreSQL flavour of <see cref="BrokerDbContext"/>; owns the migrations in <c>Postgres/Migrations</c>.</summary>
internal sealed class PostgresBrokerDbContext : BrokerDbContext
{
    public PostgresBrokerDbContext(DbContextOptions<PostgresBrokerDbContext> options)
        : base(options)
    {
    }
}
