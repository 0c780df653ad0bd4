using Broker.Core.Images;
using Broker.Persistence.Conversions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Images;

internal sealed class ImageImportRowConfiguration : IEntityTypeConfiguration<ImageImportRow>
{
    /// <summary>Room for the longest <see cref="ImageImportState"/> name.</summary>
    private const int MaxStateLength = 20;

    /// <summary>Hex SHA-256.</summary>
    private const int Sha256HexLength = 64;

    /// <summary>A host's refusal, cut to this length.</summary>
    public const int MaxReasonLength = 1000;

    public void Configure(EntityTypeBuilder<ImageImportRow> builder)
    {
        builder.ToTable("ImageImports");
        builder.HasKey(import => import.Id);
        builder.Property(import => import.Name).HasMaxLength(GoldImage.MaxNameLength);
        builder.Property(import => import.Version).HasMaxLength(GoldImage.MaxVersionLength);
        builder.Property(import => import.State).HasConversion<string>().HasMaxLength(MaxStateLength);
        builder.Property(import => import.Reason).HasMaxLength(MaxReasonLength);
        builder.Property(import => import.FileSha256).HasMaxLength(Sha256HexLength);
        builder.Property(import => import.UploadedAt).HasConversion<UtcTicksConverter>();
        builder.HasIndex(import => new { import.Name, import.Version }).IsUnique();
    }
}
