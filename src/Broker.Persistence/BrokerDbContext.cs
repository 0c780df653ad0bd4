using Broker.Persistence.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence;

/// <summary>
/// The broker's database: ASP.NET Core Identity's tables plus the domain's. Abstract because each
/// provider has its own derived context (<c>SqliteBrokerDbContext</c>, <c>PostgresBrokerDbContext</c>)
/// and its own migrations; the application always asks for <see cref="BrokerDbContext"/>.
/// </summary>
/// <remarks>
/// Entity mappings are <see cref="IEntityTypeConfiguration{TEntity}"/> classes in this assembly; they
/// are picked up by <see cref="OnModelCreating"/>, so adding an entity never edits this file beyond
/// its <see cref="DbSet{TEntity}"/> property. Identity shapes its tables from the application's
/// <c>IdentityOptions.Stores</c>; <see cref="IdentitySchema"/> fixes those settings for the running
/// broker and the design-time tools alike, so migrations match what runs.
/// </remarks>
public abstract class BrokerDbContext : IdentityDbContext<BrokerUser, IdentityRole, string>
{
    /// <summary>For the provider-specific contexts, which pass their own typed options.</summary>
    protected BrokerDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(BrokerDbContext).Assembly);
    }
}
