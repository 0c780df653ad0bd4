using Broker.Persistence.Conversions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Access;

internal sealed class EnrollmentTokenRowConfiguration : IEntityTypeConfiguration<EnrollmentTokenRow>
{
    public void Configure(EntityTypeBuilder<EnrollmentTokenRow> builder)
    {
        builder.ToTable("EnrollmentTokens");
        builder.HasKey(token => token.Id);
        builder.Property(token => token.SecretHash).HasMaxLength(AccessLimits.HashLength);
        builder.Property(token => token.CreatedBy).HasMaxLength(RowLimits.PrincipalIdLength);
        builder.Property(token => token.CreatedAt).HasConversion<UtcTicksConverter>();
        builder.Property(token => token.ExpiresAt).HasConversion<UtcTicksConverter>();
        builder.Property(token => token.UsedAt).HasConversion<UtcTicksConverter>();
    }
}
