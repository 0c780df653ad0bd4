using Broker.Persistence.Conversions;
using Broker.Persistence.Desktops;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Quarantine;

internal sealed class QuarantinedLayerRowConfiguration : IEntityTypeConfiguration<QuarantinedLayerRow>
{
    public void Configure(EntityTypeBuilder<QuarantinedLayerRow> builder)
    {
        builder.ToTable("QuarantinedLayers");
        builder.HasKey(layer => new { layer.DesktopId, layer.LayerId });
        builder.Property(layer => layer.ReceivedAt).HasConversion<UtcTicksConverter>();
        builder.Property(layer => layer.PromoteRequestedAt).HasConversion<UtcTicksConverter>();
        builder.Property(layer => layer.PromotedAt).HasConversion<UtcTicksConverter>();

        // The reconcile loop asks each round for promotions the host has not reported done.
        builder.HasIndex(layer => new { layer.PromotedAt, layer.PromoteEpoch });
        builder.HasOne<DesktopRow>().WithMany().HasForeignKey(layer => layer.DesktopId).OnDelete(DeleteBehavior.Cascade);
    }
}
