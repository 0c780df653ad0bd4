using Broker.Persistence.Conversions;
using Broker.Persistence.Devices;
using Broker.Persistence.Hosts;
using Broker.Persistence.Images;
using Broker.Persistence.Pools;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Desktops;

internal sealed class DesktopRowConfiguration : IEntityTypeConfiguration<DesktopRow>
{
    /// <summary>Desktop names are made by the broker from the pool name and a number.</summary>
    public const int MaxNameLength = 150;

    public void Configure(EntityTypeBuilder<DesktopRow> builder)
    {
        builder.ToTable("Desktops");
        builder.HasKey(desktop => desktop.Id);
        builder.Property(desktop => desktop.Name).HasMaxLength(MaxNameLength);
        builder.Property(desktop => desktop.Assignee).HasMaxLength(RowLimits.PrincipalIdLength);
        builder.Property(desktop => desktop.State).HasConversion<string>().HasMaxLength(RowLimits.EnumLength);
        builder.Property(desktop => desktop.LeaseIssuedAt).HasConversion<UtcTicksConverter>();
        builder.Property(desktop => desktop.LeaseExpiresAt).HasConversion<UtcTicksConverter>();
        builder.Property(desktop => desktop.LastSyncAt).HasConversion<UtcTicksConverter>();

        // Two writers that read the same version: the second UPDATE matches no row and is refused.
        builder.Property(desktop => desktop.Version).IsConcurrencyToken();

        builder.HasIndex(desktop => new { desktop.PoolId, desktop.Name }).IsUnique();
        builder.HasIndex(desktop => desktop.HostId);
        builder.HasIndex(desktop => desktop.Assignee);
        builder.HasIndex(desktop => desktop.State);
        builder.HasOne<PoolRow>().WithMany().HasForeignKey(desktop => desktop.PoolId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<HostRow>().WithMany().HasForeignKey(desktop => desktop.HostId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ImageRow>().WithMany().HasForeignKey(desktop => desktop.ImageId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<DeviceRow>().WithMany().HasForeignKey(desktop => desktop.DeviceId).OnDelete(DeleteBehavior.Restrict);
    }
}
