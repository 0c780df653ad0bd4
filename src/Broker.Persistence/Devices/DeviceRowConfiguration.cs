using Broker.Core.Devices;
using Broker.Persistence.Conversions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Devices;

internal sealed class DeviceRowConfiguration : IEntityTypeConfiguration<DeviceRow>
{
    public void Configure(EntityTypeBuilder<DeviceRow> builder)
    {
        builder.ToTable("Devices");
        builder.HasKey(device => device.Id);
        builder.Property(device => device.Owner).HasMaxLength(RowLimits.PrincipalIdLength);
        builder.Property(device => device.Name).HasMaxLength(Device.MaxNameLength);
        builder.Property(device => device.LastSeen).HasConversion<UtcTicksConverter>();
        builder.Property(device => device.Version).IsConcurrencyToken();
        builder.HasIndex(device => device.Owner);
    }
}
