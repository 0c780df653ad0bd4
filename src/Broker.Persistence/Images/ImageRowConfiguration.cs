using Broker.Core.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Images;

internal sealed class ImageRowConfiguration : IEntityTypeConfiguration<ImageRow>
{
    /// <summary>Room for <c>sha256:</c> and 64 hex digits, and for longer algorithms later.</summary>
    private const int MaxContentAddressLength = 200;

    public void Configure(EntityTypeBuilder<ImageRow> builder)
    {
        builder.ToTable("Images");
        builder.HasKey(image => image.Id);
        builder.Property(image => image.Name).HasMaxLength(GoldImage.MaxNameLength);
        builder.Property(image => image.Version).HasMaxLength(GoldImage.MaxVersionLength);
        builder.Property(image => image.Base).HasMaxLength(MaxContentAddressLength);
        builder.HasIndex(image => new { image.Name, image.Version }).IsUnique();
    }
}
