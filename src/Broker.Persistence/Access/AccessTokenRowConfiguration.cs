using Broker.Core.Access;
using Broker.Persistence.Conversions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Access;

internal sealed class AccessTokenRowConfiguration : IEntityTypeConfiguration<AccessTokenRow>
{
    public void Configure(EntityTypeBuilder<AccessTokenRow> builder)
    {
        builder.ToTable("AccessTokens");
        builder.HasKey(token => token.Id);
        builder.Property(token => token.Owner).HasMaxLength(RowLimits.PrincipalIdLength);
        builder.Property(token => token.Name).HasMaxLength(PersonalAccessToken.MaxNameLength);
        builder.Property(token => token.SecretHash).HasMaxLength(AccessLimits.HashLength);
        builder.Property(token => token.CreatedAt).HasConversion<UtcTicksConverter>();
        builder.Property(token => token.ExpiresAt).HasConversion<UtcTicksConverter>();
        builder.Property(token => token.RevokedAt).HasConversion<UtcTicksConverter>();
        builder.HasIndex(token => token.Owner);
    }
}
