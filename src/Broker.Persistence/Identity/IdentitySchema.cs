using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Persistence.Identity;

/// <summary>
/// The Identity store settings the migrations were generated with. broker-server applies them in
/// <c>AddIdentity</c>; changing them changes the model and needs a new migration.
/// </summary>
public static class IdentitySchema
{
    /// <summary>Identity's table layout: version 3 has passkeys.</summary>
    public static Version Version { get; } = IdentitySchemaVersions.Version3;

    /// <summary>Length of login-provider and token-name keys.</summary>
    public const int MaxLengthForKeys = 128;

    /// <summary>Applies the schema settings to Identity's store options.</summary>
    public static void Configure(StoreOptions stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        stores.SchemaVersion = Version;
        stores.MaxLengthForKeys = MaxLengthForKeys;
        stores.ProtectPersonalData = false;
    }

    /// <summary>The services Identity's model reads at design time, when no application exists.</summary>
    internal static IServiceProvider DesignTimeServices() =>
        new ServiceCollection()
            .Configure<IdentityOptions>(identity => Configure(identity.Stores))
            .BuildServiceProvider();
}
