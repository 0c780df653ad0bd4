using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Pools;
using Broker.Persistence.Access;
using Broker.Persistence.Audit;
using Broker.Persistence.Conversions;
using Broker.Persistence.Desktops;
using Broker.Persistence.Devices;
using Broker.Persistence.Entitlements;
using Broker.Persistence.Hosts;
using Broker.Persistence.Identity;
using Broker.Persistence.Images;
using Broker.Persistence.Pools;
using Broker.Persistence.Quarantine;
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

    internal DbSet<ImageRow> Images => Set<ImageRow>();

    internal DbSet<ImageImportRow> ImageImports => Set<ImageImportRow>();

    internal DbSet<ImageImportHostRow> ImageImportHosts => Set<ImageImportHostRow>();

    internal DbSet<PoolRow> Pools => Set<PoolRow>();

    internal DbSet<EntitlementRow> Entitlements => Set<EntitlementRow>();

    internal DbSet<HostRow> Hosts => Set<HostRow>();

    internal DbSet<DeviceRow> Devices => Set<DeviceRow>();

    internal DbSet<DesktopRow> Desktops => Set<DesktopRow>();

    internal DbSet<QuarantinedLayerRow> QuarantinedLayers => Set<QuarantinedLayerRow>();

    internal DbSet<AuditRow> AuditEvents => Set<AuditRow>();

    internal DbSet<EnrollmentTokenRow> EnrollmentTokens => Set<EnrollmentTokenRow>();

    internal DbSet<AgentCredentialRow> AgentCredentials => Set<AgentCredentialRow>();

    internal DbSet<AccessTokenRow> AccessTokens => Set<AccessTokenRow>();

    /// <inheritdoc />
    /// <remarks>The domain's value types are stored as their primitive value wherever they appear.</remarks>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DesktopId>().HaveConversion<DesktopIdConverter>();
        configurationBuilder.Properties<LayerId>().HaveConversion<LayerIdConverter>();
        configurationBuilder.Properties<Epoch>().HaveConversion<EpochConverter>();
        configurationBuilder.Properties<PoolId>().HaveConversion<PoolIdConverter>();
        configurationBuilder.Properties<ImageId>().HaveConversion<ImageIdConverter>();
        configurationBuilder.Properties<ContentAddress>().HaveConversion<ContentAddressConverter>();
        configurationBuilder.Properties<HostId>().HaveConversion<HostIdConverter>();
        configurationBuilder.Properties<DeviceId>().HaveConversion<DeviceIdConverter>();
        configurationBuilder.Properties<UserId>().HaveConversion<UserIdConverter>();
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(BrokerDbContext).Assembly);
    }
}
