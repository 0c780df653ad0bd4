using Broker.Core.Images;
using Broker.Persistence.Conversions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Images;

internal sealed class ImageImportRowConfiguration : IEntityTypeConfiguration<ImageImportRow>
{
    /// <summary>Hex SHA-256.</summary>
    private const int Sha256HexLength = 64;

    public void Configure(EntityTypeBuilder<ImageImportRow> builder)
    {
        builder.ToTable("ImageImports");
        builder.HasKey(import => import.Id);
        builder.Property(import => import.Name).HasMaxLength(GoldImage.MaxNameLength);
        builder.Property(import => import.Version).HasMaxLength(GoldImage.MaxVersionLength);
        builder.Property(import => import.FileSha256).HasMaxLength(Sha256HexLength);
        builder.Property(import => import.UploadedAt).HasConversion<UtcTicksConverter>();
        builder.HasIndex(import => new { import.Name, import.Version }).IsUnique();
    }
}
