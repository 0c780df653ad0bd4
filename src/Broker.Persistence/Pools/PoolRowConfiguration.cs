using Broker.Core.Pools;
using Broker.Persistence.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Pools;

internal sealed class PoolRowConfiguration : IEntityTypeConfiguration<PoolRow>
{
    public void Configure(EntityTypeBuilder<PoolRow> builder)
    {
        builder.ToTable("Pools");
        builder.HasKey(pool => pool.Id);
        builder.Property(pool => pool.Name).HasMaxLength(Pool.MaxNameLength);
        builder.Property(pool => pool.Kind).HasConversion<string>().HasMaxLength(RowLimits.EnumLength);
        builder.Property(pool => pool.Version).IsConcurrencyToken();
        builder.ComplexProperty(pool => pool.Offline, offline => offline.IsRequired());
        builder.HasIndex(pool => pool.Name).IsUnique();
        builder.HasOne<ImageRow>().WithMany().HasForeignKey(pool => pool.ImageId).OnDelete(DeleteBehavior.Restrict);
    }
}
