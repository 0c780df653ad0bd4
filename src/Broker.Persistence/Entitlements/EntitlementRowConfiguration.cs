using Broker.Persistence.Pools;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Entitlements;

internal sealed class EntitlementRowConfiguration : IEntityTypeConfiguration<EntitlementRow>
{
    public void Configure(EntityTypeBuilder<EntitlementRow> builder)
    {
        builder.ToTable("Entitlements");
        builder.HasKey(entitlement => new { entitlement.PoolId, entitlement.PrincipalKind, entitlement.PrincipalId });
        builder.Property(entitlement => entitlement.PrincipalKind).HasConversion<string>().HasMaxLength(RowLimits.EnumLength);
        builder.Property(entitlement => entitlement.PrincipalId).HasMaxLength(RowLimits.PrincipalIdLength);
        builder.HasIndex(entitlement => new { entitlement.PrincipalKind, entitlement.PrincipalId });
        builder.HasOne<PoolRow>().WithMany().HasForeignKey(entitlement => entitlement.PoolId).OnDelete(DeleteBehavior.Cascade);
    }
}
