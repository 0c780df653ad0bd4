using Broker.Core.Images;
using Broker.Persistence.Conversions;
using Broker.Persistence.Hosts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Images;

internal sealed class ImageImportHostRowConfiguration : IEntityTypeConfiguration<ImageImportHostRow>
{
    public void Configure(EntityTypeBuilder<ImageImportHostRow> builder)
    {
        builder.ToTable("ImageImportHosts");
        builder.HasKey(row => new { row.ImageId, row.HostId });
        builder.Property(row => row.State).HasConversion<string>().HasMaxLength(RowLimits.EnumLength);
        builder.Property(row => row.Detail).HasMaxLength(ImageImportHost.MaxDetailLength);
        builder.Property(row => row.UpdatedAt).HasConversion<UtcTicksConverter>();

        // A host's rows go with it. The image is an upload (ImageImports) or an image registered by
        // address (Images only), so no foreign key names it; the server checks it exists before recording.
        builder.HasOne<HostRow>().WithMany().HasForeignKey(row => row.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}
