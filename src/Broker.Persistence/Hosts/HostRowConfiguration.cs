using Broker.Core.Hosts;
using Broker.Persistence.Conversions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Hosts;

internal sealed class HostRowConfiguration : IEntityTypeConfiguration<HostRow>
{
    public void Configure(EntityTypeBuilder<HostRow> builder)
    {
        builder.ToTable("Hosts");
        builder.HasKey(host => host.Id);
        builder.Property(host => host.Name).HasMaxLength(Host.MaxNameLength);
        builder.Property(host => host.Health).HasConversion<string>().HasMaxLength(RowLimits.EnumLength);
        builder.Property(host => host.LastSeen).HasConversion<UtcTicksConverter>();
        builder.Property(host => host.TransferAddress).HasMaxLength(Host.MaxTransferAddressLength);
        builder.Property(host => host.Version).IsConcurrencyToken();
    }
}
