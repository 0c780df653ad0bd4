using Broker.Persistence.Conversions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Broker.Persistence.Access;

internal sealed class AgentCredentialRowConfiguration : IEntityTypeConfiguration<AgentCredentialRow>
{
    public void Configure(EntityTypeBuilder<AgentCredentialRow> builder)
    {
        builder.ToTable("AgentCredentials");
        builder.HasKey(credential => credential.Id);
        builder.Property(credential => credential.Kind).HasConversion<string>().HasMaxLength(RowLimits.EnumLength);
        builder.Property(credential => credential.SecretHash).HasMaxLength(AccessLimits.HashLength);
        builder.Property(credential => credential.CreatedAt).HasConversion<UtcTicksConverter>();
        builder.Property(credential => credential.RevokedAt).HasConversion<UtcTicksConverter>();
        builder.HasIndex(credential => new { credential.Kind, credential.Subject });
    }
}
