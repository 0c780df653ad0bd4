using Broker.Persistence.Conversions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Audit;

internal sealed class AuditRowConfiguration : IEntityTypeConfiguration<AuditRow>
{
    public const int MaxActorLength = 500;

    public const int MaxActionLength = 100;

    public const int MaxTargetLength = 200;

    public const int MaxDetailLength = 2000;

    public void Configure(EntityTypeBuilder<AuditRow> builder)
    {
        builder.ToTable("AuditEvents");
        builder.HasKey(entry => entry.Id);
        builder.Property(entry => entry.At).HasConversion<UtcTicksConverter>();
        builder.Property(entry => entry.Actor).HasMaxLength(MaxActorLength);
        builder.Property(entry => entry.Action).HasMaxLength(MaxActionLength);
        builder.Property(entry => entry.Target).HasMaxLength(MaxTargetLength);
        builder.Property(entry => entry.Detail).HasMaxLength(MaxDetailLength);
        builder.HasIndex(entry => entry.At);
        builder.HasIndex(entry => new { entry.Target, entry.At });
        builder.HasIndex(entry => new { entry.Actor, entry.At });
    }
}
